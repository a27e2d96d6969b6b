package dev.peregrine.event.params;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AddressTextTest {
    /** Pairs of address bytes and glibc inet_ntop text, from tools/gen_ipv6_inet_ntop_golden.py. */
    private static final String GOLDEN = "ipv6_inet_ntop.txt";

    @Test
    void ipv6_goldenAddresses_matchGlibcInetNtop() throws IOException {
        int compared = 0;
        try (InputStream in = AddressTextTest.class.getResourceAsStream(GOLDEN);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                byte[] addr = HexFormat.of().parseHex(f[0]);
                assertThat(AddressText.ipv6(addr)).as("text of %s", f[0]).isEqualTo(f[1]);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(3000);
    }

    @Test
    void ipv4_extremes_dottedQuads() {
        assertThat(AddressText.ipv4(0)).isEqualTo("0.0.0.0");
        assertThat(AddressText.ipv4(0xffffffff)).isEqualTo("255.255.255.255");
        assertThat(AddressText.ipv4(0x7f000001)).isEqualTo("127.0.0.1");
    }
}
