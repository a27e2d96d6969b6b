import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step of peregrine-cli, run on the shaded jar after packaging (java UpgradeOldClassFiles.java JAR): rewrites
 * class files older than Java 6 (major version below 50) as Java 8 class files with stack maps, and checks that
 * every rewritten class loads and links.
 *
 * Why: picocli (and slf4j-api, jsr305's annotations) are compiled for Java 5. The JDK's start-up cache (AOT cache, JEP 483) leaves out such "old" classes
 * once they have been linked, and the classes that implement their interfaces with them, so every run loaded and
 * verified about 180 classes from the jar with the old verifier: about a quarter of a second of each start. The
 * bytecode itself is unchanged; only the version and the stack map frames the new verifier needs are written.
 */
public final class UpgradeOldClassFiles {
    private static final int OLD_BELOW = ClassFile.JAVA_6_VERSION;
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java UpgradeOldClassFiles.java JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
        List<String> upgraded = new ArrayList<>();
        try (URLClassLoader hierarchy = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = Files.newOutputStream(tmp);
                ZipOutputStream out = new ZipOutputStream(file)) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(hierarchy))));
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && majorVersion(bytes) < OLD_BELOW) {
                    bytes = upgrade(cf, bytes);
                    upgraded.add(e.getName());
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        check(jar, upgraded);
        System.out.println("UpgradeOldClassFiles: " + upgraded.size() + " class files of " + jar.getFileName()
                + " rewritten as Java 8 class files with stack maps");
    }

    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] upgrade(ClassFile cf, byte[] bytes) {
        ClassModel model = cf.parse(bytes);
        // re-emitting every method body makes the library compute stack maps for the new version
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(TARGET, 0);
            } else {
                builder.with(element);
            }
        };
        return cf.transformClass(model, version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
    }

    /** Loads and links every rewritten class in a fresh loader, so a bad rewrite fails the build, not a run. */
    private static void check(Path jar, List<String> upgraded) throws IOException {
        // static initialisers may talk (slf4j says it has no binding): their output is shown only on failure
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (String entry : upgraded) {
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    // initialising links the class, which verifies its bytecode against the new stack maps
                    Class.forName(name, true, loader);
                } catch (ReflectiveOperationException | LinkageError e) {
                    System.setErr(err);
                    err.print(said);
                    throw new IllegalStateException("rewritten class " + name + " does not load: " + e, e);
                }
            }
        } finally {
            System.setErr(err);
        }
    }
}
