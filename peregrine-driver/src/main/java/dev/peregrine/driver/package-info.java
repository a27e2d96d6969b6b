/**
 * Peregrine's live driver: the CO-RE eBPF object ({@code peregrine.bpf.o}, built from {@code src/main/bpf}), typed
 * libbpf wrappers ({@link dev.peregrine.driver.BpfObject}, {@link dev.peregrine.driver.BpfProgram},
 * {@link dev.peregrine.driver.BpfMap}, {@link dev.peregrine.driver.BpfLink}), the per-CPU ring reader
 * ({@link dev.peregrine.driver.RingBuffer}) and the capture source over all of it
 * ({@link dev.peregrine.driver.LiveSource}).
 */
package dev.peregrine.driver;
