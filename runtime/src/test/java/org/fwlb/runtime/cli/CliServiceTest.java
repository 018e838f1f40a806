package org.fwlb.runtime.cli;

import org.fwlb.runtime.cli.sample.ColorCompleter;
import org.fwlb.runtime.cli.sample.EchoCommand;
import org.fwlb.runtime.cli.sample.FailCommand;
import org.fwlb.runtime.cli.sample.NotACommand;
import org.fwlb.runtime.cli.sample.ServicesCommand;
import org.fwlb.runtime.core.RuntimeAuditService;
import org.fwlb.runtime.core.RuntimeCoreService;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onosproject.core.CoreService;
import org.onosproject.security.AuditService;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliServiceTest {

    @TempDir
    Path dir;

    private CliService cli;
    private RuntimeCoreService core;

    @BeforeEach
    void setUp() {
        ServiceRegistry registry = new ServiceRegistry();
        core = new RuntimeCoreService();
        registry.registerBuiltIn(CoreService.class, core);
        registry.registerBuiltIn(AuditService.class, new RuntimeAuditService());
        BundleInfo b = TestBundles.bundle("cli-sample").header("Karaf-Commands", "org.fwlb.runtime.cli.sample")
                .classes(EchoCommand.class, ServicesCommand.class, FailCommand.class, NotACommand.class,
                         ColorCompleter.class)
                .build(dir);
        cli = new CliService(registry, () -> CommandCatalog.scan(List.of(b), x -> true));
    }

    private CliResult run(String... args) {
        return cli.execute(List.of(args), false);
    }

    @Test
    void findsCommandsThroughTheKarafCommandsHeader() {
        assertEquals(List.of("fwlb:apps", "fwlb:echo", "test:fail"), new ArrayList<>(cli.commandNames()));
        CliResult help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("fwlb:echo") && help.stdout().contains("Echoes its words"), help.stdout());
    }

    @Test
    void injectsArgumentsAndOptionsAsKaraf() {
        CliResult r = run("echo", "--upper", "-n", "2", "--tag", "a", "-t", "b", "hello", "world");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("HELLO WORLD [a, b]\nHELLO WORLD [a, b]\n", r.stdout());
        assertEquals("hi\n", run("fwlb:echo", "hi").stdout(), "scope:name works too; defaults stay");
        assertEquals("x\nx\nx\n", run("echo", "--count=3", "x").stdout(), "--opt=value form");
        // Karaf stops reading options at the first argument
        assertEquals("a -u\n", run("echo", "a", "-u").stdout());
    }

    @Test
    void usageErrorsAreKarafsAndExitWith2() {
        CliResult unknown = run("echo", "--bogus", "x");
        assertEquals(CliResult.USAGE, unknown.exitCode());
        assertTrue(unknown.stderr().contains("fwlb:echo") && unknown.stderr().contains("undefined option --bogus"),
                   unknown.stderr());
        assertFalse(unknown.stderr().contains("\u001B"), "no ANSI escapes for a non-terminal");

        CliResult missing = run("echo");
        assertEquals(CliResult.USAGE, missing.exitCode());
        assertTrue(missing.stderr().contains("argument words is required"), missing.stderr());

        CliResult notInt = run("echo", "-n", "many", "x");
        assertEquals(CliResult.USAGE, notInt.exitCode());
        assertTrue(notInt.stderr().contains("unable to convert option -n with value 'many'"), notInt.stderr());

        CliResult noValue = run("echo", "x", "-n");
        assertEquals(0, noValue.exitCode(), "after an argument '-n' is just a word");

        CliResult typo = run("ech", "x");
        assertEquals(CliResult.USAGE, typo.exitCode());
        assertTrue(typo.stderr().contains("Command not found: ech") && typo.stderr().contains("fwlb:echo"),
                   typo.stderr());
    }

    @Test
    void helpPrintsKarafUsage() {
        CliResult r = run("echo", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().contains("DESCRIPTION") && r.stdout().contains("fwlb:echo"), r.stdout());
        assertTrue(r.stdout().contains("SYNTAX") && r.stdout().contains("--upper") && r.stdout().contains("words"),
                   r.stdout());
    }

    @Test
    void commandsReachRuntimeServicesThroughOnosStaticGet() {
        core.registerApplication("org.fwlb.sandwich");
        CliResult r = run("apps", "org.fwlb.sandwich");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("org.fwlb.sandwich=2 same=true\n", r.stdout());
    }

    @Test
    void reportedErrorsAndExceptionsExitWith1() {
        CliResult missingService = run("apps", "org.onosproject.core", "true");
        assertEquals(CliResult.FAILED, missingService.exitCode());
        assertTrue(missingService.stderr().contains("Service org.onosproject.net.device.DeviceService not found"),
                   missingService.stderr());

        CliResult error = run("fail", "error");
        assertEquals(CliResult.FAILED, error.exitCode());
        assertEquals("before\n", error.stdout());
        assertEquals("Firewall fw9 not found\n", error.stderr());

        CliResult thrown = run("fail", "throw");
        assertEquals(CliResult.FAILED, thrown.exitCode());
        assertTrue(thrown.stderr().contains("thrown on purpose"), thrown.stderr());
    }

    @Test
    void outputIsCapturedPerRequest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CliResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String word = "w" + i;
                Callable<CliResult> c = () -> run("echo", "-n", "200", word);
                results.add(pool.submit(c));
            }
            for (int i = 0; i < 8; i++) {
                String expected = ("w" + i + "\n").repeat(200);
                assertEquals(expected, results.get(i).get().stdout());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void completesCommandsOptionsAndValues() {
        assertEquals(List.of("echo"), cli.complete(List.of("ec")));
        assertEquals(List.of("fwlb:apps", "fwlb:echo"), cli.complete(List.of("fwlb:")));
        assertEquals(List.of("black", "blue"), cli.complete(List.of("echo", "b")), "argument completer");
        assertEquals(List.of("--tag"), cli.complete(List.of("echo", "--t")));
        assertEquals(List.of("red"), cli.complete(List.of("echo", "-t", "r")), "option value completer");
        assertEquals(List.of("black", "blue"), cli.complete(List.of("echo", "-n", "2", "b")),
                     "an option's value is skipped");
        CliResult r = run("complete", "echo", "bl");
        assertEquals("black\nblue\n", r.stdout());
    }
}
