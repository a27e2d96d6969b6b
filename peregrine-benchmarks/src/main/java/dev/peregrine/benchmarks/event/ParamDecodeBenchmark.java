package dev.peregrine.benchmarks.event;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.FdNameResolver;
import dev.peregrine.event.params.ParamDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of reading the parameters of an {@code open} exit event through {@link ParamDecoder}: the raw reads a rule
 * condition makes (fd number, flags bits, path comparison), {@code evt.arg.flags} text (memoized names), and the
 * whole {@code evt.args} of an output. The first three should show {@code gc.alloc.rate.norm} about 0 B/op.
 *
 * <pre>{@code
 * mvn -q -DskipTests package -pl peregrine-benchmarks -am
 * $JAVA_HOME/bin/java -jar peregrine-benchmarks/target/benchmarks.jar ParamDecodeBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParamDecodeBenchmark {
    private static final int OPEN_X = 3;
    private static final int O_RDONLY_CLOEXEC = 1 | 4096;

    ParamDecoder decoder;
    EventView open;
    FdNameResolver resolver;

    @Setup
    public void setup() {
        decoder = ParamDecoder.get();
        byte[] name = "/etc/passwd\0".getBytes(StandardCharsets.UTF_8);
        int len = EventView.HEADER_BYTES + 6 * 2 + 8 + name.length + 4 + 4 + 4 + 8;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1L).putLong(42L).putInt(len).putShort((short) OPEN_X).putInt(6);
        b.putShort((short) 8).putShort((short) name.length).putShort((short) 4).putShort((short) 4)
                .putShort((short) 4).putShort((short) 8);
        b.putLong(3).put(name).putInt(O_RDONLY_CLOEXEC).putInt(0).putInt(0x803).putLong(1234);
        open = EventView.forTable(EventTable.get()).pointAt(MemorySegment.ofArray(b.array()), 0, 0);
        resolver = (fd, out) -> {
            out.append("<f>/etc/passwd");
            return true;
        };
    }

    /** The raw reads of a condition like {@code fd.num=3 and evt.rawarg.flags & 1 and evt.arg.name=/etc/passwd}. */
    @Benchmark
    public long rawReads() {
        long fd = decoder.asLong(open, 0);
        long flags = decoder.asLong(open, 2);
        boolean passwd = decoder.equalsAscii(open, 1, "/etc/passwd");
        return fd + flags + (passwd ? 1 : 0);
    }

    /** {@code evt.arg.flags} as text: memoized flag names. */
    @Benchmark
    public String flagsText() {
        return decoder.render(open, 2, FdNameResolver.NONE);
    }

    /** {@code evt.args} with an fd name, as an output prints it. */
    @Benchmark
    public String args() {
        return decoder.renderArgs(open, resolver);
    }
}
