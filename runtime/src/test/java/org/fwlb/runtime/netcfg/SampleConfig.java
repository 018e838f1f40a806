package org.fwlb.runtime.netcfg;

import com.fasterxml.jackson.databind.JsonNode;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.config.Config;

import java.util.ArrayList;
import java.util.List;

/** A config that explains itself, like fwlb's configs do. */
public class SampleConfig extends Config<ApplicationId> {

    @Override
    public boolean isValid() {
        return validationErrors().isEmpty();
    }

    public List<String> validationErrors() {
        List<String> errors = new ArrayList<>();
        JsonNode p = object.path("port");
        if (!p.isInt() || p.asInt() < 1 || p.asInt() > 65535) {
            errors.add("port: " + p + " is not a port number");
        }
        return errors;
    }

    public int port() {
        return object.path("port").asInt();
    }
}
