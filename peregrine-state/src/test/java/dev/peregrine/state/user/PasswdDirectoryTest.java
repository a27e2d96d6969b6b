package dev.peregrine.state.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdDirectoryTest {
    @TempDir
    Path root;

    @Test
    void user_fromPasswdFile_malformedAndNssLinesSkipped() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh
                broken:x:notanumber:1:::
                short:x:5
                +nss:x:7:7::/:/bin/sh
                """);
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nstaff:x:50:alice\n");
        PasswdDirectory d = new PasswdDirectory(root);
        assertThat(d.user(1000)).get().satisfies(u -> {
            assertThat(u.name()).isEqualTo("alice");
            assertThat(u.homedir()).isEqualTo("/home/alice");
            assertThat(u.shell()).isEqualTo("/bin/zsh");
        });
        assertThat(d.user(7)).isEmpty();
        assertThat(d.user(5)).isEmpty();
        assertThat(d.group(50)).get().extracting(g -> g.name()).isEqualTo("staff");
    }

    @Test
    void allUsersAndGroups_passwdAndGroupFiles_sortedByIdFirstEntryWins() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), """
                alice:x:1000:1000::/home/alice:/bin/zsh
                root:x:0:0:root:/root:/bin/bash
                alias:x:1000:1000::/home/alias:/bin/sh
                short:x:5
                """);
        Files.writeString(root.resolve("etc/group"), "staff:x:50:alice\nroot:x:0:\n");
        PasswdDirectory d = new PasswdDirectory(root);
        assertThat(d.allUsers()).extracting(u -> u.name()).containsExactly("root", "alice");
        assertThat(d.allGroups()).extracting(g -> g.name()).containsExactly("root", "staff");
    }

    @Test
    void user_missingFiles_empty_andRefreshRereads() throws IOException {
        PasswdDirectory d = new PasswdDirectory(root);
        assertThat(d.user(0)).isEmpty();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        assertThat(d.user(0)).as("cached until refresh").isEmpty();
        d.refresh();
        assertThat(d.user(0)).get().extracting(u -> u.name()).isEqualTo("root");
    }

    @Test
    void userTable_hostMiss_fallsBackToDirectory() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "bob:x:1001:1001::/home/bob:/bin/sh\n");
        UserTable table = new UserTable(new PasswdDirectory(root));
        assertThat(table.user("", 1001).name()).isEqualTo("bob");
        assertThat(table.user("somecontainer", 1001)).as("containers do not use the host files").isNull();
    }
}
