/** Placeholder. */
package org.fwlb.model;
