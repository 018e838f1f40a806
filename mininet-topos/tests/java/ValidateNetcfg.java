// Validates netcfg files with the project's own parser (org.fwlb.config.FwlbConfigParser from the
// fwlb-core jar in ~/.m2); used by tests/test_netcfg.py::test_java_parser_accepts_presets.
import com.fasterxml.jackson.databind.*;
import org.fwlb.config.*;
import java.io.File;
public class ValidateNetcfg {
    public static void main(String[] a) throws Exception {
        ObjectMapper m = new ObjectMapper();
        int bad = 0;
        for (String f : a) {
            JsonNode n = m.readTree(new File(f)).path("apps").path("org.fwlb.core").path("fwlb");
            ParseResult r = FwlbConfigParser.parse(n);
            System.out.println(f + ": " + (r.isValid() ? "VALID" : "INVALID " + r.errors()));
            if (!r.isValid()) bad++;
        }
        System.exit(bad);
    }
}
