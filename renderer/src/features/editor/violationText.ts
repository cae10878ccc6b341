import type { Translate } from '../../i18n/index.js';
import type { ItemViolation } from '../../../../shared/item-rules.js';

/** The broken rule in words, named first ("Range: …"), so the fix is obvious. */
export function violationText(t: Translate, violation: ItemViolation): string {
  switch (violation.rule) {
    case 'name':
      return t('rule.name');
    case 'index':
      return t('rule.index');
    case 'indexForbidden':
      return t('rule.indexForbidden');
    case 'indexRequired':
      return t('rule.indexRequired');
    case 'indexRange':
      return t('rule.indexRange', { min: violation.min, max: violation.max });
    case 'control':
      return t('rule.control');
    case 'bytes':
      return t('rule.bytes', { max: violation.max });
    case 'maxLengthForFunction':
      return t('rule.maxLengthForFunction', { max: violation.max, length: violation.length, keyFunction: violation.keyFunction });
    case 'readOnly':
      return t('rule.readOnly');
    case 'characters':
      return t('rule.characters');
    case 'type':
      return t('rule.type', { type: t(`type.${violation.type}`) });
    case 'enum':
      return t('rule.enum', { values: violation.values.join(', ') });
    case 'range':
      return t('rule.range', { min: violation.min, max: violation.max });
    case 'excluded':
      return t('rule.excluded', { value: violation.value });
    case 'maxLength':
      return t('rule.maxLength', { max: violation.max, length: violation.length });
  }
}
