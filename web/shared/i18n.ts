/** The pages' two languages; the borrower's own is the link's, and a button switches. */
export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** Every string a page shows, in both languages: one table, so a missing translation fails typecheck. */
const STRINGS = {
  title: { en: 'Your loan', 'zh-CN': '我的贷款' },
  language: { en: '中文', 'zh-CN': 'English' },
  loading: { en: 'Loading…', 'zh-CN': '正在加载…' },
  refused: {
    en: 'This link is not valid or has expired. Use the link in the latest message from your lender.',
    'zh-CN': '此链接无效或已过期。请使用贷款机构最新消息中的链接。',
  },
  failed: { en: 'Something went wrong. Please try again.', 'zh-CN': '出错了，请重试。' },
  loan: { en: 'Loan', 'zh-CN': '贷款' },
  owedNow: { en: 'Owed now', 'zh-CN': '当前应还' },
  principal: { en: 'Amount due', 'zh-CN': '应还本金' },
  interest: { en: 'Interest', 'zh-CN': '利息' },
  penaltyInterest: { en: 'Penalty interest', 'zh-CN': '罚息' },
  fees: { en: 'Fees', 'zh-CN': '费用' },
  paid: { en: 'Paid so far', 'zh-CN': '已还金额' },
  dueDate: { en: 'Due date', 'zh-CN': '到期日' },
  daysPastDue: { en: 'Days past due', 'zh-CN': '逾期天数' },
  status: { en: 'Status', 'zh-CN': '状态' },
  ACTIVE: { en: 'Overdue', 'zh-CN': '逾期中' },
  CURED: { en: 'Paid: thank you', 'zh-CN': '已还清，谢谢' },
  SETTLED: { en: 'Settled: the agreement is fulfilled', 'zh-CN': '已结清：协议已履行' },
  HANDED_OVER: { en: 'Handed over', 'zh-CN': '已移交' },
  CLOSED: { en: 'Closed', 'zh-CN': '已关闭' },
  PROMISED: { en: 'Reminders paused: you promised to pay', 'zh-CN': '提醒已暂停：您已承诺还款' },
  PLAN_PROPOSED: {
    en: 'Plan chosen: the agreement will be ready to sign shortly',
    'zh-CN': '已选择还款计划：协议即将可以签署',
  },
  PLAN_TO_SIGN: { en: 'Your agreement is ready to sign', 'zh-CN': '您的协议可以签署了' },
  PLAN_ACTIVE: { en: 'Repayment plan signed and running', 'zh-CN': '还款计划已签署，执行中' },
  DISPUTED: {
    en: 'Disputed: collection is on hold while we look into it',
    'zh-CN': '已提出异议：核实期间暂停催收',
  },
  HARDSHIP: { en: 'Hardship noted: reminders paused', 'zh-CN': '已知悉您的困难：提醒已暂停' },
  pay: { en: 'Pay now', 'zh-CN': '立即还款' },
  promiseTitle: { en: 'Promise to pay', 'zh-CN': '承诺还款' },
  amount: { en: 'Amount', 'zh-CN': '金额' },
  date: { en: 'Date', 'zh-CN': '日期' },
  latest: { en: 'at the latest', 'zh-CN': '最晚' },
  promiseSubmit: { en: 'Promise', 'zh-CN': '提交承诺' },
  promised: { en: 'Promised', 'zh-CN': '已承诺' },
  plansTitle: { en: 'Repayment plans', 'zh-CN': '还款计划' },
  PLAN: { en: 'instalments', 'zh-CN': '期' },
  SETTLEMENT: { en: 'Settle for less, in one payment', 'zh-CN': '一次性减免结清' },
  choosePlan: { en: 'Choose this plan', 'zh-CN': '选择此计划' },
  yourPlan: { en: 'Your plan', 'zh-CN': '您的计划' },
  agree: {
    en: 'I have read the plan above and agree to pay these instalments on these dates.',
    'zh-CN': '我已阅读上述计划，同意按期支付各期款项。',
  },
  sign: { en: 'Sign the agreement', 'zh-CN': '签署协议' },
  otherTitle: { en: 'Something else?', 'zh-CN': '其他情况' },
  dispute: { en: 'I dispute this debt', 'zh-CN': '我对此债务有异议' },
  disputeReason: { en: 'Why?', 'zh-CN': '原因' },
  NOT_MINE: { en: 'This is not my loan', 'zh-CN': '这不是我的贷款' },
  WRONG_AMOUNT: { en: 'The amount is wrong', 'zh-CN': '金额有误' },
  ALREADY_PAID: { en: 'I have already paid', 'zh-CN': '我已经还款' },
  OTHER: { en: 'Another reason', 'zh-CN': '其他原因' },
  hardship: { en: 'I cannot pay right now (hardship)', 'zh-CN': '我暂时无力还款' },
  contactTitle: { en: 'How we contact you', 'zh-CN': '联系方式' },
  optOut: { en: 'Stop', 'zh-CN': '停止' },
  SMS: { en: 'text messages', 'zh-CN': '短信' },
  EMAIL: { en: 'e-mails', 'zh-CN': '邮件' },
  CALL: { en: 'calls', 'zh-CN': '电话' },
  stopped: { en: 'stopped', 'zh-CN': '已停止' },
  optIn: { en: 'Resume', 'zh-CN': '恢复' },
  hoursTitle: { en: 'When we may contact you (your time)', 'zh-CN': '希望联系的时间（当地时间）' },
  ANY: { en: 'Any time the rules allow', 'zh-CN': '规定允许的任何时间' },
  MORNING: { en: 'Mornings, 08:00 to 12:00', 'zh-CN': '上午 08:00–12:00' },
  AFTERNOON: { en: 'Afternoons, 12:00 to 17:00', 'zh-CN': '下午 12:00–17:00' },
  EVENING: { en: 'Evenings, 17:00 to 21:00', 'zh-CN': '晚上 17:00–21:00' },
  CUSTOM: { en: 'Hours set by your lender', 'zh-CN': '贷款机构设置的时间' },
  saveHours: { en: 'Save contact hours', 'zh-CN': '保存联系时间' },
  messageLanguage: { en: 'Language of our messages', 'zh-CN': '消息语言' },
  saveLanguage: { en: 'Save language', 'zh-CN': '保存语言' },
  correctTitle: { en: 'Correct your phone number or e-mail', 'zh-CN': '更正手机号或邮箱' },
  correctWhich: { en: 'What to correct', 'zh-CN': '更正内容' },
  phone: { en: 'Phone number (+ and country code)', 'zh-CN': '手机号（+ 国家代码）' },
  email: { en: 'E-mail address', 'zh-CN': '邮箱地址' },
  newValue: { en: 'New value', 'zh-CN': '新的号码或地址' },
  sendCode: { en: 'Send a code to it', 'zh-CN': '发送验证码' },
  codeSent: {
    en: 'We sent a 6-digit code to the new number or address. It expires in 10 minutes.',
    'zh-CN': '我们已向新号码或地址发送 6 位验证码，10 分钟内有效。',
  },
  code: { en: 'Code', 'zh-CN': '验证码' },
  confirmCode: { en: 'Confirm', 'zh-CN': '确认' },
  corrected: { en: 'Updated: we will use it from now on.', 'zh-CN': '已更新：今后将使用新的联系方式。' },
  done: { en: 'Done.', 'zh-CN': '已完成。' },
  refusedAction: { en: 'That was not accepted:', 'zh-CN': '未被接受：' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

export function t(lang: Lang, key: StringKey): string {
  return STRINGS[key][lang];
}

/** The language from a tag such as zh-Hans-CN or en-US: Chinese if it says so, else English. */
export function langOf(tag: string | undefined): Lang {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
