/** The ImageService endpoint and its RPCs: CRI messages in and out, no logic of their own. The only package here that sees gRPC and CRI types. */
package dev.gantry.image.rpc;
