package org.fwlb.runtime.scr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed DS component description (a {@code <scr:component>} element).
 *
 * @param name                 component name
 * @param implementationClass  implementation class name
 * @param services             provided service interfaces
 * @param serviceScope         singleton | bundle | prototype
 * @param immediate            immediate component (explicit or implied by providing no service)
 * @param enabled              enabled at start
 * @param configurationPolicy  optional | require | ignore
 * @param activate             activate method name
 * @param activateExplicit     the activate attribute was present (a missing method is then an error)
 * @param deactivate           deactivate method name
 * @param deactivateExplicit   the deactivate attribute was present
 * @param modified             modified method name, or null
 * @param factory              component factory name, or null (not supported)
 * @param init                 number of constructor parameters (DS 1.4 constructor injection), 0 if none
 * @param properties           component properties in declaration order (typed)
 * @param references           references in declaration order
 * @param bundle               the bundle that declares it
 * @param source               the XML resource path inside the bundle
 * @param namespace            the SCR namespace of the element
 */
public record ComponentDescription(String name, String implementationClass, List<String> services,
                                   String serviceScope, boolean immediate, boolean enabled,
                                   String configurationPolicy, String activate, boolean activateExplicit,
                                   String deactivate, boolean deactivateExplicit, String modified,
                                   String factory, int init, Map<String, Object> properties,
                                   List<ReferenceDescription> references, BundleInfo bundle, String source,
                                   String namespace) {

    /** Canonicalises collections. */
    public ComponentDescription {
        services = List.copyOf(services);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        references = List.copyOf(references);
    }

    /** @return where it was declared, for messages */
    public String origin() {
        return bundle.name() + "/" + source;
    }
}
