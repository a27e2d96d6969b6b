/**
 * Falcosidekick's most used outputs, built into Peregrine: each forwarder is an
 * {@link dev.peregrine.outputs.delivery.AlertTarget} with a {@link dev.peregrine.outputs.delivery.TargetFactory}
 * (found by {@link java.util.ServiceLoader}) configured under {@code forwarders.<key>} with Falcosidekick's option
 * names: {@code webhook}, {@code slack}, {@code teams}, {@code kafka}, {@code elasticsearch}, {@code loki},
 * {@code smtp}, {@code alertmanager}, one subpackage each.
 *
 * <p>This package holds what they share: {@link dev.peregrine.forwarders.ForwarderOptions} (typed option reading
 * with errors naming {@code forwarders.<key>.<option>}), {@link dev.peregrine.forwarders.ForwarderFactory},
 * {@link dev.peregrine.forwarders.FalcoPayload} (the alert as Falcosidekick receives it),
 * {@link dev.peregrine.forwarders.HttpTransport} (one HTTP client per forwarder and the mapping of HTTP outcomes to
 * retryable or final {@link dev.peregrine.outputs.delivery.DeliveryException}s) and
 * {@link dev.peregrine.forwarders.HttpForwarder}.
 *
 * <p>Threading: a target is used by one sender thread of the delivery layer at a time; targets are not thread-safe.
 * They never retry nor queue by themselves.
 */
package dev.peregrine.forwarders;
