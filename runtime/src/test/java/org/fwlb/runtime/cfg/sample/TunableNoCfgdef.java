package org.fwlb.runtime.cfg.sample;

/** Same, without a .cfgdef file: properties come from its DS description. */
public class TunableNoCfgdef extends Tunable {
}
