package org.fwlb.runtime.core;

import org.onosproject.security.AuditService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AuditService with auditing off (ONOS's default). ONOS's AbstractShellCommand looks it up before every
 * command, so it must exist for any command to run.
 */
public final class RuntimeAuditService implements AuditService {

    private static final Logger log = LoggerFactory.getLogger("org.fwlb.runtime.audit");

    @Override
    public boolean isAuditing() {
        return false;
    }

    @Override
    public void logUserAction(String user, String action) {
        log.info("{}: {}", user, action);
    }
}
