/**
 * Who may use the runtime's REST: the users file (PBKDF2 password hashes, ONOS's roles), the credentials a
 * client sends, the first start that creates an admin with a random password, and key stores for HTTPS.
 */
package org.fwlb.runtime.security;
