/**
 * The connection engine both applications share (seed [0008]-[0011], FIG 1-8): the decision points of a
 * connection's path (firewall choice, L4/2, L4/3, the DF of an L7/3 host), one rule builder with one priority
 * table, one installer (pin, apply the rules of every switch on the path in one batch, confirm, release the SYN,
 * roll back) and one life cycle (idle expiry, member down, adoption after a restart). Pure policy code apart from
 * the {@code impl} glue.
 */
package org.fwlb.engine;
