/**
 * REST: Jetty + Jersey serving ONOS's network configuration and component configuration APIs under
 * {@code /onos/v1}, each app bundle's own JAX-RS application at its {@code Web-ContextPath}, and the
 * runtime's internal endpoints under {@code /fwlb-runtime} (CLI, status).
 */
package org.fwlb.runtime.rest;
