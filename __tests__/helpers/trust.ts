/**
 * Makes this (test) process trust the world's CA, for in-process calls with fetch or
 * https. Node 24 lets the default CA set be replaced at run time.
 */
import tls from 'node:tls'
import { getTestTls } from '../emulators/tls.js'

let trusted = false

export function trustTestCa(): void {
  if (trusted) return
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), getTestTls().caPem])
  trusted = true
}
