package dev.peregrine.rules.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * The path set of {@code pmatch} (libsinsp {@code path_prefix_search}): a path matches when some entry is a
 * prefix of it component by component ({@code /usr/bin} matches {@code /usr/bin} and {@code /usr/bin/ls}, not
 * {@code /usr/binx}). Entry components containing {@code ?*[} are globs matched against one component. Empty
 * components are ignored, so {@code a//b}, {@code /a/b} and {@code a/b} are the same path.
 */
final class PathPrefixSet {
    /* Implementation notes: a trie of components. An entry that ends at a node makes it a leaf that matches
     * everything below it (a later, longer entry under a leaf is dropped; a shorter one replaces the subtree),
     * as libsinsp's path_prefix_map does. Literal children are tried before glob children. Matching walks the
     * path text in place with regionMatches, so no substring is allocated per event. */

    private static final class Node {
        final List<String> names = new ArrayList<>();
        final List<Node> children = new ArrayList<>();
        final List<Glob> globs = new ArrayList<>();
        final List<String> globTexts = new ArrayList<>();
        final List<Node> globChildren = new ArrayList<>();
        boolean leaf;
    }

    private final Node root = new Node();

    void add(String path) {
        List<String> comps = split(path);
        Node n = root;
        if (comps.isEmpty()) {
            // an empty or "/" entry matches every path, as the leaf "root" component in libsinsp
            n.leaf = true;
            clear(n);
            return;
        }
        for (int k = 0; k < comps.size(); k++) {
            if (n.leaf) {
                return;
            }
            String c = comps.get(k);
            boolean glob = c.indexOf('?') >= 0 || c.indexOf('*') >= 0 || c.indexOf('[') >= 0;
            List<String> keys = glob ? n.globTexts : n.names;
            List<Node> kids = glob ? n.globChildren : n.children;
            int idx = keys.indexOf(c);
            Node child;
            if (idx < 0) {
                child = new Node();
                keys.add(c);
                kids.add(child);
                if (glob) {
                    n.globs.add(new Glob(c, false));
                }
            } else {
                child = kids.get(idx);
            }
            n = child;
        }
        n.leaf = true;
        clear(n);
    }

    private static void clear(Node n) {
        n.names.clear();
        n.children.clear();
        n.globs.clear();
        n.globTexts.clear();
        n.globChildren.clear();
    }

    boolean matches(String path) {
        if (root.leaf) {
            return true;
        }
        return match(root, path, nextStart(path, 0));
    }

    private static boolean match(Node n, String path, int start) {
        if (start >= path.length()) {
            // the path ended on an interior node: it is shorter than every entry below
            return false;
        }
        int end = path.indexOf('/', start);
        if (end < 0) {
            end = path.length();
        }
        int len = end - start;
        int next = nextStart(path, end);
        for (int i = 0; i < n.names.size(); i++) {
            String name = n.names.get(i);
            if (name.length() == len && path.regionMatches(start, name, 0, len)) {
                Node c = n.children.get(i);
                if (c.leaf || match(c, path, next)) {
                    return true;
                }
            }
        }
        for (int i = 0; i < n.globs.size(); i++) {
            if (n.globs.get(i).matches(path, start, end)) {
                Node c = n.globChildren.get(i);
                if (c.leaf || match(c, path, next)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int nextStart(String path, int from) {
        int i = from;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return i;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }
}
