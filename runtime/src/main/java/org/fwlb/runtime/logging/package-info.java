/**
 * Logging set-up (logback): console and file, with levels; console output never goes through the
 * per-command capture of System.out/err.
 */
package org.fwlb.runtime.logging;
