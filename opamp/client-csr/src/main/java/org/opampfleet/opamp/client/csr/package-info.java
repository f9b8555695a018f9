/*
 * Copyright The OpAMP Fleet Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Client-initiated certificates for the OpAMP client (the CSR flow, checklist section 4.12): {@link
 * org.opampfleet.opamp.client.csr.CertificateRequester} generates a key pair and a PKCS#10
 * certificate signing request with BouncyCastle and sends it through {@link
 * org.opampfleet.opamp.client.OpampClient#requestConnectionSettings}; the client then installs the
 * certificate the server offers with the locally held key. Kept in its own module so that the
 * client itself needs no BouncyCastle.
 *
 * <p>Every type here is thread-safe unless its documentation says otherwise.
 */
package org.opampfleet.opamp.client.csr;
