/**
 * What the daemon tells a node agent, and how one is plugged in: {@link NodeEvents} (OOM kills and
 * failed pulls, told from the CRI path and so never waited on), {@link NodeFacts} (what this node
 * offers, told at start and after each reload) and the {@link NodeAgentFactory} a class loader of
 * its own finds. The Kubernetes client behind it lives in the node-agent module; nothing here
 * names it, so a daemon with {@code [kubernetes] enabled = false} loads none of it.
 */
package dev.gantry.runtime.node;
