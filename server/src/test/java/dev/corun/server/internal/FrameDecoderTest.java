package dev.corun.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corun.server.FrameTooLargeException;
import dev.corun.server.Framing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Feeds the stream in pieces of {@code step} bytes. */
    private static List<byte[]> feedInSteps(FrameDecoder d, byte[] stream, int step) throws FrameTooLargeException {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i += step) {
            d.feed(stream, i, Math.min(step, stream.length - i), out);
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void lengthPrefixedFramesSurviveEverySplitAndCoalescing() throws Exception {
        Framing f = Framing.lengthPrefixed();
        byte[] stream = concat(f.encode(bytes("hello")), f.encode(new byte[0]), f.encode(bytes("a longer frame, world")), f.encode(bytes("x")));
        for (int step = 1; step <= stream.length; step++) {
            List<byte[]> frames = feedInSteps(FrameDecoder.create(f, 1024), stream, step);
            assertEquals(List.of("hello", "", "a longer frame, world", "x"), strings(frames), "pieces of " + step);
        }
    }

    @Test
    void eolFramesSurviveEverySplitAndCoalescingWithAMultiByteDelimiter() throws Exception {
        Framing f = Framing.eol("\r\n");
        byte[] stream = bytes("one\r\ntwo\r\n\r\nthree\rstill three\r\n");
        for (int step = 1; step <= stream.length; step++) {
            List<byte[]> frames = feedInSteps(FrameDecoder.create(f, 1024), stream, step);
            assertEquals(List.of("one", "two", "", "three\rstill three"), strings(frames), "pieces of " + step);
        }
    }

    @Test
    void rawDeliversEachReadAsItIs() throws Exception {
        FrameDecoder d = FrameDecoder.create(Framing.raw(), 1024);
        List<byte[]> out = new ArrayList<>();
        d.feed(bytes("abcdef"), 2, 3, out);
        assertEquals(1, out.size());
        assertArrayEquals(bytes("cde"), out.get(0));
    }

    @Test
    void anAnnouncedLengthOverTheMaximumIsRejectedAfterTheFramesBeforeIt() {
        Framing f = Framing.lengthPrefixed();
        byte[] stream = concat(f.encode(bytes("ok")), f.encode(new byte[11]));
        List<byte[]> out = new ArrayList<>();
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameDecoder.create(f, 10).feed(stream, 0, stream.length, out));
        assertEquals(11, e.length());
        assertEquals(List.of("ok"), strings(out));
    }

    @Test
    void anUnterminatedLineOverTheMaximumIsRejectedWithoutWaitingForItsEnd() throws Exception {
        FrameDecoder d = FrameDecoder.create(Framing.eol(), 10);
        List<byte[]> out = new ArrayList<>();
        d.feed(bytes("0123456789"), 0, 10, out); // exactly the maximum: still fine
        assertThrows(FrameTooLargeException.class, () -> d.feed(bytes("X"), 0, 1, out));
        FrameDecoder d2 = FrameDecoder.create(Framing.eol(), 10);
        d2.feed(bytes("0123456789\n"), 0, 11, out);
        assertEquals(List.of("0123456789"), strings(out));
    }

    @Test
    void aBufferGrownByOneLongLineIsGivenBack() throws Exception {
        FrameDecoder d = FrameDecoder.create(Framing.eol(), 1 << 20);
        List<byte[]> out = new ArrayList<>();
        byte[] big = new byte[100_000];
        java.util.Arrays.fill(big, (byte) 'a');
        d.feed(big, 0, big.length, out);
        d.feed(bytes("\nb\n"), 0, 3, out);
        assertEquals(2, out.size());
        assertEquals(100_000, out.get(0).length);
        assertEquals("b", new String(out.get(1), StandardCharsets.UTF_8));
    }
}
