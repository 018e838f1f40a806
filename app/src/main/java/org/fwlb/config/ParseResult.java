package org.fwlb.config;

import com.google.common.collect.ImmutableList;
import org.fwlb.model.FwlbTopology;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a configuration: a topology, or the list of errors (never both).
 */
public final class ParseResult {
    private final FwlbTopology topology;
    private final List<String> errors;

    private ParseResult(FwlbTopology topology, List<String> errors) {
        this.topology = topology;
        this.errors = ImmutableList.copyOf(errors);
    }

    static ParseResult valid(FwlbTopology topology) {
        return new ParseResult(topology, ImmutableList.of());
    }

    static ParseResult invalid(List<String> errors) {
        return new ParseResult(null, errors);
    }

    /**
     * Returns true when the configuration is valid.
     *
     * @return true when valid
     */
    public boolean isValid() {
        return topology != null;
    }

    /**
     * Returns the topology of a valid configuration.
     *
     * @return topology, or empty when invalid
     */
    public Optional<FwlbTopology> topology() {
        return Optional.ofNullable(topology);
    }

    /**
     * Returns the errors, each naming the field path and value.
     *
     * @return errors (empty when valid)
     */
    public List<String> errors() {
        return errors;
    }

    /**
     * Returns the topology or throws.
     *
     * @return topology
     * @throws InvalidConfigException listing every error when invalid
     */
    public FwlbTopology topologyOrThrow() {
        if (topology == null) {
            throw new InvalidConfigException(errors);
        }
        return topology;
    }
}
