/**
 * Alert delivery: {@link dev.peregrine.outputs.delivery.AlertTarget}s (Falco's channels and Falcosidekick-style
 * forwarders) behind per-target queues, sender threads, retries, disk spool and counters, so the event path never
 * waits on a sink and no alert is lost silently.
 */
package dev.peregrine.outputs.delivery;
