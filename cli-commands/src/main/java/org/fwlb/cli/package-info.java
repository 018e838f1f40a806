/** Placeholder. */
package org.fwlb.cli;
