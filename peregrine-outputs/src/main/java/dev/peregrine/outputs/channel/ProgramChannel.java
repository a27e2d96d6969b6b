package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.format.FormattedAlert;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Falco's {@code program_output}: writes alerts to the standard input of {@code sh -c PROGRAM}. With
 * {@code keepAlive} one process receives every alert; otherwise a process is started per alert. The program's
 * standard output goes to {@code programOut} (Falco's own stdout, which the program inherits under Falco).
 */
public final class ProgramChannel implements AlertSink {
    /* Implementation notes: Falco uses popen(program, "w"), so the program shares Falco's stdout. In process we
     * copy the child's stdout into the caller's writer with a pump thread, joined when the process ends, so what
     * the program prints is complete when close() returns. */

    private final String program;
    private final boolean keepAlive;
    private final PrintWriter programOut;
    private final Consumer<String> errors;
    private Process process;
    private Thread pump;

    public ProgramChannel(String program, boolean keepAlive, PrintWriter programOut, Consumer<String> errors) {
        this.program = requireNonNull(program, "program is null");
        this.keepAlive = keepAlive;
        this.programOut = requireNonNull(programOut, "programOut is null");
        this.errors = requireNonNull(errors, "errors is null");
    }

    @Override
    public synchronized void emit(FormattedAlert alert) {
        try {
            if (process == null) {
                start();
            }
            OutputStream in = process.getOutputStream();
            in.write((alert.line() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (!keepAlive) {
                finish();
            }
        } catch (IOException e) {
            errors.accept("program output: cannot write to '" + program + "': " + e.getMessage());
            finish();
        }
    }

    private void start() throws IOException {
        process = new ProcessBuilder("/bin/sh", "-c", program).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        InputStream stdout = process.getInputStream();
        pump = Thread.ofVirtual().start(() -> {
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
            process.getOutputStream().close();
            process.waitFor();
            pump.join();
        } catch (IOException e) {
            errors.accept("program output: '" + program + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process = null;
            pump = null;
        }
    }

    @Override
    public synchronized void flush() {
        // alerts are written through at once
    }

    @Override
    public synchronized void close() {
        finish();
    }
}
