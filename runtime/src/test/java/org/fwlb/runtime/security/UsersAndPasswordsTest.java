package org.fwlb.runtime.security;

import org.fwlb.runtime.testutil.TestUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Password hashes, the users file, the user store, first start and bin/fwlb user-password. */
class UsersAndPasswordsTest {

    @TempDir
    Path dir;

    @Test
    void hashesVerifyOnlyTheirPasswordAndRoundTripAsText() {
        PasswordHash h = PasswordHash.create("correct horse".toCharArray(), TestUsers.ITERATIONS);
        assertTrue(h.matches("correct horse".toCharArray()));
        assertFalse(h.matches("correct hors".toCharArray()));
        assertFalse(h.matches(new char[0]));
        PasswordHash back = PasswordHash.parse(h.toString());
        assertTrue(back.matches("correct horse".toCharArray()));
        assertTrue(h.toString().startsWith("pbkdf2-sha256$10000$") && !h.toString().contains(","), h.toString());
        assertTrue(PasswordHash.create("x".toCharArray(), TestUsers.ITERATIONS).toString()
                   .compareTo(PasswordHash.create("x".toCharArray(), TestUsers.ITERATIONS).toString()) != 0, "salted");
        assertEquals(600_000, PasswordHash.ITERATIONS);
    }

    @Test
    void badHashesAreRefusedWithoutEchoingThem() {
        for (String bad : List.of("secret", "md5$1$a$b", "pbkdf2-sha256$100$AAAAAAAAAAA$AAAA",
                                  "pbkdf2-sha256$x$AAAAAAAAAAA$AAAA", "pbkdf2-sha256$20000$!!!$AAAA")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(bad));
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void usersFileErrorsNameTheLine() {
        String hash = PasswordHash.create("pw".toCharArray(), TestUsers.ITERATIONS).toString();
        Map<String, String> cases = Map.of(
                "admin = plaintext,admin", "f line 2: password hash is not pbkdf2-sha256",
                "admin " + hash + ",admin", "f line 2: expected NAME = PASSWORD-HASH,ROLE",
                "ad:min = " + hash + ",admin", "f line 2: user name 'ad:min'",
                "admin = " + hash, "f line 2: user admin has no role",
                "admin = " + hash + ",adm in", "f line 2: role 'adm in'",
                "_g_\\:admingroup = group,admin", "f line 2: Karaf groups");
        cases.forEach((line, expect) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UsersFile.parse(List.of("# comment", line), "f"));
            assertTrue(e.getMessage().startsWith(expect), line + " -> " + e.getMessage());
        });
        assertThrows(IllegalArgumentException.class, () -> UsersFile.parse(
                List.of("a = " + hash + ",admin", "a = " + hash + ",viewer"), "f"), "listed twice");
        Map<String, UsersFile.Entry> ok = UsersFile.parse(List.of("", "! karaf comment", " ops = " + hash
                + " , viewer , l7-reporter "), "f");
        assertEquals(List.of("viewer", "l7-reporter"), List.copyOf(ok.get("ops").roles()));
    }

    @Test
    void adminImpliesViewerAndNothingElseIsImplied() {
        UserStore s = UserStore.of(List.of(TestUsers.user("a", "admin"), TestUsers.user("v", "viewer"),
                                           TestUsers.user("r", "l7-reporter")));
        UserStore.User a = s.authenticate("a", "a-secret".toCharArray()).orElseThrow();
        assertTrue(a.hasRole("admin") && a.hasRole("viewer") && !a.hasRole("l7-reporter"));
        UserStore.User v = s.authenticate("v", "v-secret".toCharArray()).orElseThrow();
        assertTrue(v.hasRole("viewer") && !v.hasRole("admin"));
        UserStore.User r = s.authenticate("r", "r-secret".toCharArray()).orElseThrow();
        assertTrue(r.hasRole("l7-reporter") && !r.hasRole("viewer"));
        assertTrue(s.authenticate("a", "v-secret".toCharArray()).isEmpty());
        assertTrue(s.authenticate("nobody", "a-secret".toCharArray()).isEmpty());
        // a remembered success does not let a different password in
        assertTrue(s.authenticate("a", "a-secret".toCharArray()).isPresent());
        assertTrue(s.authenticate("a", "a-secreT".toCharArray()).isEmpty());
    }

    @Test
    void theStoreFollowsTheFileAndKeepsItsUsersWhenTheFileTurnsBad() throws Exception {
        Path f = dir.resolve("users.properties");
        TestUsers.write(f, List.of(TestUsers.user("admin", "admin")));
        UserStore s = UserStore.open(f);
        assertTrue(s.authenticate("admin", "admin-secret".toCharArray()).isPresent());

        TestUsers.write(f, List.of(TestUsers.user("admin", "viewer"), TestUsers.user("ops", "admin")));
        assertEquals(List.of("admin", "ops"), s.names());
        assertFalse(s.authenticate("admin", "admin-secret".toCharArray()).orElseThrow().hasRole("admin"),
                    "role changes apply, the remembered success is dropped");

        Files.writeString(f, "this is not a users file\n");
        assertEquals(List.of("admin", "ops"), s.names(), "a broken file does not lock everybody out");
        assertTrue(s.authenticate("ops", "ops-secret".toCharArray()).isPresent());

        Files.delete(f);
        assertTrue(s.authenticate("ops", "ops-secret".toCharArray()).isPresent(), "nor does a deleted one");
    }

    @Test
    void firstStartCreatesAnAdminWithARandomPasswordInFilesOnlyTheOwnerCanRead() throws Exception {
        Path users = dir.resolve("state").resolve("users.properties");
        UserStore s = FirstStart.openOrCreate(users);
        Path creds = dir.resolve("state").resolve("credentials");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users.getParent())));
        Credentials c = Credentials.read(creds);
        assertEquals("admin", c.user());
        assertEquals(24, c.password().length());
        assertFalse(Files.readString(users).contains(c.password()), "the users file holds only the hash");
        UserStore.User admin = s.authenticate("admin", c.password().toCharArray()).orElseThrow();
        assertTrue(admin.hasRole("admin") && admin.hasRole("viewer"));
        assertEquals(Set.of("admin"), Set.copyOf(UsersFile.read(users).keySet()));

        // a second start keeps the users and the password
        String before = Files.readString(users);
        FirstStart.openOrCreate(users);
        assertEquals(before, Files.readString(users));
        assertEquals(c, Credentials.read(creds));
        assertFalse(FirstStart.randomPassword().equals(FirstStart.randomPassword()));
    }

    @Test
    void credentialsComeFromTheEnvironmentOrTheFile() throws Exception {
        assertEquals(new Credentials("u", "p"), Credentials.fromEnvironment(Map.of("FWLB_WEB_USER", "u",
                "FWLB_WEB_PASS", "p")).orElseThrow());
        Path f = dir.resolve("creds");
        new Credentials("ops", "pass word=x").write(f, List.of("header"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(new Credentials("ops", "pass word=x"),
                     Credentials.fromEnvironment(Map.of("FWLB_CREDENTIALS", f.toString())).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> Credentials.fromEnvironment(Map.of("FWLB_WEB_PASS", "p")));
        assertTrue(Credentials.fromEnvironment(Map.of("FWLB_CREDENTIALS", "")).isEmpty(), "set but empty: none");
        Files.writeString(f, "user = ops\n");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Credentials.fromEnvironment(Map.of("FWLB_CREDENTIALS", f.toString()))).getMessage()
                .contains("needs a user = NAME and a password = PASSWORD line"));
        assertFalse(new Credentials("u", "hidden-pw").toString().contains("hidden-pw"));
    }

    private int tool(String stdin, ByteArrayOutputStream out, String... args) {
        out.reset();
        PrintStream p = new PrintStream(out, true);
        return UserPasswordTool.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), p, p);
    }

    @Test
    void userPasswordAddsChangesAndRemovesUsers() throws Exception {
        Path f = dir.resolve("u.properties");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, tool("first-password\n", out, "--users", f.toString(), "ops"), out.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(Set.of("admin"), UsersFile.read(f).get("ops").roles(), "a new user is an admin by default");
        assertFalse(Files.readString(f).contains("first-password"));

        assertEquals(0, tool("viewer-password\n", out, "--users", f.toString(), "eve", "--role", "viewer"));
        assertEquals(0, tool("second-password\n", out, "--users", f.toString(), "ops"));
        UserStore s = UserStore.open(f);
        assertTrue(s.authenticate("ops", "second-password".toCharArray()).orElseThrow().hasRole("admin"),
                   "a changed password keeps the roles");
        assertTrue(s.authenticate("ops", "first-password".toCharArray()).isEmpty());
        assertTrue(s.authenticate("eve", "viewer-password".toCharArray()).isPresent());

        assertEquals(1, tool("short\n", out, "--users", f.toString(), "ops"));
        assertTrue(out.toString().contains("at least 8 characters"), out.toString());
        assertEquals(2, tool("", out, "--users", f.toString(), "o:ps"));
        assertEquals(2, tool("", out, "--users", f.toString(), "ops", "--role", "bad role"));
        assertEquals(2, tool("", out, "--users", f.toString()));
        assertEquals(1, tool("", out, "--users", f.toString(), "nobody", "--remove"));
        assertEquals(0, tool("", out, "--users", f.toString(), "eve", "--remove"));
        assertEquals(List.of("ops"), List.copyOf(UsersFile.read(f).keySet()));
        assertTrue(s.authenticate("ops", "second-password".toCharArray()).isPresent(), "ops untouched by the removal");
    }
}
