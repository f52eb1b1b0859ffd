import type { Lang } from '../shared/i18n.js';

/**
 * Every string the desk shows, in both languages (web/shared/i18n.ts holds the borrower's page's): a
 * table of its own, so the borrower's page downloads none of the desk's words. A missing translation
 * fails the typecheck.
 */
const STRINGS = {
  title: { en: 'Agent desk', 'zh-CN': '催收工作台' },
  language: { en: '中文', 'zh-CN': 'English' },
  signIn: { en: 'Sign in', 'zh-CN': '登录' },
  signOut: { en: 'Sign out', 'zh-CN': '退出' },
  agentId: { en: 'Agent ID', 'zh-CN': '坐席工号' },
  queues: { en: 'Queues', 'zh-CN': '队列' },
  localSignIn: {
    en: 'Local sign-in: a stand-in for the Cognito user pool that signs agents in on AWS.',
    'zh-CN': '本地登录：代替 AWS 上为坐席登录的 Cognito 用户池。',
  },
  signedInAs: { en: 'Signed in as', 'zh-CN': '当前坐席' },
  queue: { en: 'Queue', 'zh-CN': '队列' },
  refresh: { en: 'Refresh', 'zh-CN': '刷新' },
  noTasks: { en: 'No open tasks in this queue.', 'zh-CN': '此队列暂无待办任务。' },
  open: { en: 'Open', 'zh-CN': '打开' },
  back: { en: 'Back to the queue', 'zh-CN': '返回队列' },
  loan: { en: 'Loan', 'zh-CN': '贷款' },
  stage: { en: 'Stage', 'zh-CN': '阶段' },
  opened: { en: 'Opened', 'zh-CN': '创建时间' },
  claimedByOther: { en: 'Held by another agent', 'zh-CN': '已被其他坐席领取' },
  claimedByMe: { en: 'Yours', 'zh-CN': '已由我领取' },
  unclaimed: { en: 'Not claimed', 'zh-CN': '未领取' },
  claim: { en: 'Claim this task', 'zh-CN': '领取任务' },
  claimFirst: {
    en: 'Claim the task to see the call script and the borrower’s contact details.',
    'zh-CN': '领取任务后可查看通话脚本和借款人联系方式。',
  },
  balance: { en: 'Owed now', 'zh-CN': '当前应还' },
  principal: { en: 'Amount due', 'zh-CN': '应还本金' },
  interest: { en: 'Interest', 'zh-CN': '利息' },
  penalty: { en: 'Penalty interest', 'zh-CN': '罚息' },
  fees: { en: 'Fees', 'zh-CN': '费用' },
  total: { en: 'Total', 'zh-CN': '合计' },
  dueDate: { en: 'Due date', 'zh-CN': '到期日' },
  caseStatus: { en: 'Case status', 'zh-CN': '案件状态' },
  promisePending: { en: 'Promise to pay', 'zh-CN': '承诺还款' },
  ladderPaused: {
    en: 'The ladder is paused until the promised date.',
    'zh-CN': '催收流程已暂停，直至承诺还款日。',
  },
  disputeOpen: { en: 'Dispute open: the ladder holds.', 'zh-CN': '存在争议：催收流程暂停。' },
  timeline: { en: 'Timeline', 'zh-CN': '时间线' },
  script: { en: 'Call script', 'zh-CN': '通话脚本' },
  contact: { en: 'Contact details', 'zh-CN': '联系方式' },
  name: { en: 'Name', 'zh-CN': '姓名' },
  phone: { en: 'Phone', 'zh-CN': '电话' },
  email: { en: 'E-mail', 'zh-CN': '电子邮件' },
  conversation: { en: 'What the borrower wrote', 'zh-CN': '借款人留言' },
  notAvailable: { en: 'No longer available (erased).', 'zh-CN': '已不可用（已删除）。' },
  outcome: { en: 'Outcome', 'zh-CN': '结果' },
  record: { en: 'Record the outcome', 'zh-CN': '提交结果' },
  amount: { en: 'Amount', 'zh-CN': '金额' },
  date: { en: 'Date (YYYY-MM-DD)', 'zh-CN': '日期（YYYY-MM-DD）' },
  report: { en: 'Visit report', 'zh-CN': '外访报告' },
  instalments: { en: 'Instalments', 'zh-CN': '分期' },
  addInstalment: { en: 'Add an instalment', 'zh-CN': '添加一期' },
  recorded: { en: 'Outcome recorded.', 'zh-CN': '结果已提交。' },
  fieldError: { en: 'Check this field', 'zh-CN': '请检查此项' },
  loading: { en: 'Loading…', 'zh-CN': '正在加载…' },
  failed: { en: 'Something went wrong. Please try again.', 'zh-CN': '出错了，请重试。' },
  signedOut: { en: 'Your session has ended. Sign in again.', 'zh-CN': '会话已结束，请重新登录。' },
} as const satisfies Record<string, Record<Lang, string>>;

export type DeskStringKey = keyof typeof STRINGS;

export function d(lang: Lang, key: DeskStringKey): string {
  return STRINGS[key][lang];
}

/** A queue's name as the agent reads it. */
const QUEUE_NAMES: Record<string, Record<Lang, string>> = {
  'agent-calls': { en: 'Agent calls', 'zh-CN': '电话催收' },
  'field-visits': { en: 'Field visits', 'zh-CN': '外访' },
  'plan-signing': { en: 'Plan signing', 'zh-CN': '还款计划签署' },
  specialist: { en: 'Specialist', 'zh-CN': '专员处理' },
  conversations: { en: 'Conversations', 'zh-CN': '借款人留言' },
};

export const queueName = (lang: Lang, queue: string): string => QUEUE_NAMES[queue]?.[lang] ?? queue;
