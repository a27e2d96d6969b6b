package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    /** A source that hands out at most 1000 bytes per read, then fails after {@code failAt} bytes. */
    private static InputStream failingAfter(byte[] data, int failAt) {
        return new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at >= failAt) {
                    throw new java.util.zip.ZipException("broken at " + at);
                }
                int n = Math.min(Math.min(len, 1000), failAt - at);
                System.arraycopy(data, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    @Test
    void read_severalChunks_deliversSourceBytesInOrder() throws IOException {
        byte[] data = randomBytes(ReadAheadInputStream.CHUNK_BYTES * 3 + 12345);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReadAheadInputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), "test")) {
            assertThat(in.read()).isEqualTo(data[0] & 0xFF);
            out.write(data[0]);
            byte[] buf = new byte[7777];
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
            assertThat(n).isEqualTo(-1);
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void read_emptySource_endsAtOnce() throws IOException {
        try (ReadAheadInputStream in = new ReadAheadInputStream(new ByteArrayInputStream(new byte[0]), "test")) {
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
        }
    }

    @Test
    void read_sourceFails_deliversBytesBeforeThenSameException() throws IOException {
        byte[] data = randomBytes(2_500_000);
        int failAt = 1_700_001;
        try (ReadAheadInputStream in = new ReadAheadInputStream(failingAfter(data, failAt), "test")) {
            byte[] got = new byte[failAt];
            int done = 0;
            while (done < failAt) {
                int n = in.read(got, done, failAt - done);
                assertThat(n).isPositive();
                done += n;
            }
            assertThat(got).isEqualTo(java.util.Arrays.copyOf(data, failAt));
            assertThatThrownBy(() -> in.read(new byte[1], 0, 1)).isInstanceOf(java.util.zip.ZipException.class)
                    .hasMessage("broken at " + failAt);
            assertThatThrownBy(in::read).isInstanceOf(java.util.zip.ZipException.class);
        }
    }

    @Test
    void close_beforeDrained_stopsReadAheadAndClosesSource() throws IOException {
        AtomicBoolean sourceClosed = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public void close() {
                sourceClosed.set(true);
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless, "test");
        assertThat(in.read()).isEqualTo(0);
        in.close();
        assertThat(sourceClosed).isTrue();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
    }
}
