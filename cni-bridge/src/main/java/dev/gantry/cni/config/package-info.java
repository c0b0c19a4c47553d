/** CNI network configuration: discovery in a config dir, parsing and validation of .conflist/.conf files. */
package dev.gantry.cni.config;
