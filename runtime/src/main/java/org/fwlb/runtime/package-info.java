/** Placeholder. */
package org.fwlb.runtime;
