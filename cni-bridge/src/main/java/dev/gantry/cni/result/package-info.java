/** CNI results (spec 1.0.0 and 0.3.x/0.4.0) as records, with the raw JSON kept for prevResult. */
package dev.gantry.cni.result;
