/** Error kinds and the exception that carries one; no gRPC types here. */
package dev.gantry.common.errors;
