package dev.peregrine.rules.compile;

import java.util.Base64;

/** Byte-oriented string operations with C semantics (ASCII-only case folding as {@code tolower} in the C locale). */
final class TextOps {
    private TextOps() {
    }

    static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    static String toLowerAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    a[j] = lowerAscii(a[j]);
                }
                return new String(a);
            }
        }
        return s;
    }

    static String toUpperAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    char d = a[j];
                    a[j] = d >= 'a' && d <= 'z' ? (char) (d - 32) : d;
                }
                return new String(a);
            }
        }
        return s;
    }

    static String basename(String s) {
        int k = s.lastIndexOf('/');
        return k < 0 ? s : s.substring(k + 1);
    }

    /** {@return the UTF-8 length of {@code s} up to its first NUL (C {@code strnlen})} */
    static long utf8LengthToNul(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                break;
            }
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** {@return the decoded bytes of standard base64 with optional padding, or null when malformed} */
    static byte[] base64Decode(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** C {@code strcasestr} with ASCII folding; {@code needleLower} is already lower-cased. */
    static boolean containsIgnoreCaseAscii(String hay, String needleLower) {
        int n = needleLower.length();
        int last = hay.length() - n;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < n; j++) {
                if (lowerAscii(hay.charAt(i + j)) != needleLower.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** C {@code strcmp} sign on the UTF-8 byte order, which equals code point order. */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    return sx ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    /** {@return the bytes for hex text, or null unless it is an even number of hex digits (libsinsp unhex)} */
    static byte[] unhex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0 || s.charAt(2 * i) > 0x7f || s.charAt(2 * i + 1) > 0x7f) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
