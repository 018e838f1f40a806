/**
 * REST API of the hierarchical dispatch app, under /onos/cluster-dispatch.
 */
package org.fwlb.dispatch.rest;
