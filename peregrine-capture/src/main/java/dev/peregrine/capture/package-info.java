/**
 * The capture contract: {@link dev.peregrine.capture.CaptureSource} (Falco's libscap engine vtable), the
 * {@link dev.peregrine.capture.CaptureProblem} that ends a damaged stream, and the system-state records every source
 * reports before its events (threads, file descriptors, users, groups, interfaces, machine).
 */
package dev.peregrine.capture;
