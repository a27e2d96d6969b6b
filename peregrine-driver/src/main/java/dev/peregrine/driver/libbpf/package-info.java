/**
 * The raw Foreign Function &amp; Memory binding to {@code libbpf.so.1} and the libc calls the driver needs: downcall
 * handles with errno capture, no JNI. Use the typed wrappers in {@code dev.peregrine.driver}.
 */
package dev.peregrine.driver.libbpf;
