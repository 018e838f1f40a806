/** Placeholder. */
package org.fwlb.sandwich;
