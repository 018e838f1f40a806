/**
 * REST API of the firewall sandwich, under /onos/fwlb.
 */
package org.fwlb.sandwich.rest;
