/**
 * Selection policies behind one small interface ({@link org.fwlb.policy.SelectionPolicy}): static hash
 * (weighted rendezvous hashing: deterministic, symmetric when given a symmetric hash, consistent under
 * membership change), round robin, smooth weighted round robin, weighted least connections and least
 * packet throughput. Every policy skips members that are not eligible (down, draining, health down,
 * full) and reports clearly when no member is. Pure Java, allocation-free on the decision path.
 */
package org.fwlb.policy;
