package org.fwlb.runtime.scr;

/**
 * A component description that cannot be read or used.
 */
public class ComponentDescriptionException extends RuntimeException {

    /**
     * @param message what is wrong, naming the file and element
     */
    public ComponentDescriptionException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   underlying error
     */
    public ComponentDescriptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
