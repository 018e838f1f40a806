package org.fwlb.runtime.netcfg;

import java.util.List;

/**
 * A network configuration document was rejected; nothing of it was applied.
 */
public class NetcfgException extends RuntimeException {

    private final List<String> problems;

    /**
     * @param problems every problem found, each naming its subjectClassKey/subjectKey/configKey path
     */
    public NetcfgException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return the problems, one per entry */
    public List<String> problems() {
        return problems;
    }
}
