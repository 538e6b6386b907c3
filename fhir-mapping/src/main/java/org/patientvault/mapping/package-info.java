/**
 * Hospital data made usable: identity matching, terminology, DICOM, de-identification and data-quality scoring. A pure library: no Spring MVC.
 */
package org.patientvault.mapping;
