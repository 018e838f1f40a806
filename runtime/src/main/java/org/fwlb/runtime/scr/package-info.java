/**
 * A small Service Component Runtime: finds Declarative Services components the way Felix SCR does
 * (the {@code Service-Component} manifest header and the component XML bnd generates from
 * {@code @Component}), wires their references from the runtime's registry and activates, modifies and
 * deactivates them with their properties, in dependency order.
 */
package org.fwlb.runtime.scr;
