package org.fwlb.l7.config;

/** A configuration (file or controller answer) that is not valid; the message names the field path. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
