/**
 * Test support shared with the apps' tests through the fwlb-core test-jar.
 */
package org.fwlb.testing;
