package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Falco's {@code program_output}: writes alerts to the standard input of {@code sh -c PROGRAM}. With
 * {@code keepAlive} one process receives every alert and is restarted when it has died; otherwise a process is
 * started per alert. The program's standard output goes to {@code programOut} (Falco's own stdout, which the
 * program inherits under Falco).
 */
public final class ProgramTarget implements AlertTarget {
    /* Implementation notes: Falco uses popen(program, "w"), so the program shares Falco's stdout. In process we copy
     * the child's stdout into the caller's writer with a pump thread (synchronized on the writer, as the stdout
     * target is, so lines never interleave), joined when the process ends, so what the program prints is complete
     * when close() returns. A keep-alive program that died is restarted once per batch; if writing to the new one
     * fails too, the batch fails (retryable) and the delivery layer backs off. */

    /** Alerts written per batch to a keep-alive program. */
    static final int MAX_BATCH = 256;

    private final String program;
    private final boolean keepAlive;
    private final PrintWriter programOut;
    private Process process;
    private Thread pump;
    private long restarts;

    public ProgramTarget(String program, boolean keepAlive, PrintWriter programOut) {
        this.program = requireNonNull(program, "program is null");
        this.keepAlive = keepAlive;
        this.programOut = requireNonNull(programOut, "programOut is null");
    }

    @Override
    public String name() {
        return "program";
    }

    @Override
    public synchronized void deliver(List<FormattedAlert> batch) throws DeliveryException {
        StringBuilder sb = new StringBuilder();
        for (FormattedAlert a : batch) {
            sb.append(a.line()).append('\n');
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (process != null && !process.isAlive()) {
                finish();
                restarts++;
            }
            try {
                write(data);
            } catch (IOException first) {
                finish();
                restarts++;
                write(data);
            }
            if (!keepAlive) {
                finish();
            }
        } catch (IOException e) {
            finish();
            throw new DeliveryException("cannot write to program '" + program + "': " + e.getMessage(), true,
                    null);
        }
    }

    /** {@return how many times a keep-alive program was restarted after it died} */
    public synchronized long restarts() {
        return restarts;
    }

    private void write(byte[] data) throws IOException {
        if (process == null) {
            start();
        }
        OutputStream in = process.getOutputStream();
        in.write(data);
        in.flush();
    }

    private void start() throws IOException {
        process = new ProcessBuilder("/bin/sh", "-c", program).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        InputStream stdout = process.getInputStream();
        pump = Thread.ofVirtual().name("peregrine-program-output").start(() -> {
            try {
                byte[] buf = new byte[8192];
                int n;
                while ((n = stdout.read(buf)) >= 0) {
                    synchronized (programOut) {
                        programOut.write(new String(buf, 0, n, StandardCharsets.UTF_8));
                        programOut.flush();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    private void finish() {
        if (process == null) {
            return;
        }
        try {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // the program already exited: nothing left to flush
            }
            process.waitFor();
            pump.join();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        } finally {
            process = null;
            pump = null;
        }
    }

    @Override
    public int maxBatch() {
        return keepAlive ? MAX_BATCH : 1;
    }

    @Override
    public synchronized void close() {
        finish();
    }
}
