/**
 * The daemon's Prometheus metrics, served as text on {@code [metrics] address} when it is set.
 *
 * <pre>
 *   CriServer ── CriCallInterceptor ── CriCallMetrics ▶ gantry_cri_requests_total, gantry_cri_request_duration_seconds
 *   ImageManager ── PullListener ── PullMetrics ──────▶ gantry_image_pull*
 *   PodNetworking ── NetworkListener ── CniMetrics ──▶ gantry_cni_operation*
 *   ContainerManager ── ExitListener ── ExitMetrics ─▶ gantry_container_exits_total
 *   streaming server ── StreamingMetrics ────────────▶ gantry_streaming_sessions*
 *   scrape ── ObjectGauges (managers' in-memory lists) ▶ gantry_pods, gantry_containers
 *   scrape ── the client's JVM and process collectors ▶ jvm_*, process_*
 * </pre>
 *
 * {@link dev.gantry.runtime.metrics.Metrics} is the façade the daemon builds; the listener
 * interfaces live with the code that calls them, so image-service, sandbox and the container code
 * never see the metrics library. With metrics off nothing here is loaded.
 */
package dev.gantry.runtime.metrics;
