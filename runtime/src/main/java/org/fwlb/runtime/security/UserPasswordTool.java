package org.fwlb.runtime.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/fwlb user-password}: adds a user to the runtime's users file, changes a user's password or
 * roles, or removes a user (ONOS has {@code onos-user-password} for Karaf's users file). The password is read
 * from the terminal (twice) or from the first line of stdin, never from the command line, where every
 * local user could read it. A running runtime picks the change up at its next request.
 */
public final class UserPasswordTool {

    static final String USAGE = String.join("\n",
            "Usage: bin/fwlb user-password [--users FILE] NAME [--role ROLE]...   add NAME or change its password",
            "       bin/fwlb user-password [--users FILE] NAME --remove            remove NAME",
            "",
            "The password is read from the terminal, or from the first line of stdin (at least 8 characters).",
            "Roles: admin (everything; implies viewer), viewer (GET only), l7-reporter (L7/3 dispatcher reports).",
            "A new user gets --role admin unless roles are given; a changed user keeps its roles unless given.",
            "--users defaults to ~/.fwlb/users.properties (the runtime's --users default).",
            "");
    static final int MIN_PASSWORD = 8;

    private UserPasswordTool() {
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.in, System.out, System.err));
    }

    /**
     * @param args command line (after "user-password")
     * @param in   stdin (when there is no terminal)
     * @param out  stdout
     * @param err  stderr
     * @return exit code: 0 done, 1 failed, 2 usage
     */
    public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Path file = FirstStart.defaultUsersFile();
        String name = null;
        Set<String> roles = new LinkedHashSet<>();
        boolean remove = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--help":
                case "-h":
                    out.print(USAGE);
                    return 0;
                case "--remove":
                    remove = true;
                    break;
                case "--users":
                case "--role":
                    if (i + 1 >= args.size()) {
                        return usage(err, a + " needs a value");
                    }
                    String v = args.get(++i);
                    if (a.equals("--users")) {
                        file = Path.of(v);
                    } else if (!UsersFile.ROLE.matcher(v).matches()) {
                        return usage(err, "--role: '" + v + "' must be 1-64 of A-Z a-z 0-9 . _ -");
                    } else {
                        roles.add(v);
                    }
                    break;
                default:
                    if (a.startsWith("-") || name != null) {
                        return usage(err, "unexpected argument " + a);
                    }
                    name = a;
            }
        }
        if (name == null) {
            return usage(err, "NAME is required");
        }
        if (!UsersFile.NAME.matcher(name).matches()) {
            return usage(err, "user name '" + name + "' must be 1-64 of A-Z a-z 0-9 . _ @ - (no ':')");
        }
        if (remove && !roles.isEmpty()) {
            return usage(err, "--remove takes no --role");
        }
        try {
            Map<String, UsersFile.Entry> users = Files.exists(file) ? new LinkedHashMap<>(UsersFile.read(file))
                    : new LinkedHashMap<>();
            UsersFile.Entry old = users.get(name);
            if (remove) {
                if (old == null) {
                    err.println("fwlb user-password: " + file + " has no user " + name);
                    return 1;
                }
                users.remove(name);
                PrivateFiles.write(file, UsersFile.format(users.values()), true);
                out.println("removed user " + name + " from " + file);
                return 0;
            }
            char[] password = readPassword(in, err);
            if (password == null) {
                return 1;
            }
            Set<String> newRoles = !roles.isEmpty() ? roles : old != null ? old.roles() : Set.of(UsersFile.ADMIN);
            users.put(name, new UsersFile.Entry(name, PasswordHash.create(password), newRoles));
            Arrays.fill(password, '\0');
            PrivateFiles.write(file, UsersFile.format(users.values()), true);
            out.println((old == null ? "added user " : "changed user ") + name + " (roles " + String.join(",", newRoles)
                    + ") in " + file);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("fwlb user-password: " + e.getMessage());
            return 1;
        }
    }

    private static char[] readPassword(InputStream in, PrintStream err) throws IOException {
        Console c = System.console();
        char[] pw;
        if (c != null) {
            pw = c.readPassword("Password: ");
            char[] again = c.readPassword("Password again: ");
            if (pw == null || again == null || !Arrays.equals(pw, again)) {
                err.println("fwlb user-password: the passwords differ");
                return null;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            pw = line == null ? new char[0] : line.toCharArray();
        }
        if (pw.length < MIN_PASSWORD) {
            err.println("fwlb user-password: the password must have at least " + MIN_PASSWORD + " characters");
            return null;
        }
        return pw;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("fwlb user-password: " + problem);
        err.print(USAGE);
        return 2;
    }
}
