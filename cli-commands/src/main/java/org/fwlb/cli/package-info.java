/**
 * Karaf shell commands of the fwlb apps ({@code fwlb:*}).
 */
package org.fwlb.cli;
