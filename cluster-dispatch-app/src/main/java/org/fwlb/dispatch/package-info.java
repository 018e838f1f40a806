/** Placeholder. */
package org.fwlb.dispatch;
