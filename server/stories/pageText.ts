/** Every fixed string of the public story pages, Korean and English (the pages are server-rendered, so they do not use the client's i18n). */
export type PageLang = 'ko' | 'en';

export const pageText = {
  ko: {
    site: '마당 이야기', skip: '본문으로 건너뛰기', switchTo: 'English', switchLang: 'en' as PageLang,
    version: (n: number) => `버전 ${n}`, published: '공개', olderVersion: (n: number) => `이 글은 예전 버전입니다. 최신 버전 ${n}을 보세요.`,
    dataTable: '표로 보기', howMade: '어떻게 만들었나요?', sql: '쿼리 (SQL)', extract: '자료 (추출본)', policy: '개인정보 보호 정책 버전',
    noPolicy: '공개 자료 (개인정보 없음)', checks: '공개 전 검사', checkPass: '최소 건수·지배성·p-비율·0 검사를 모두 통과했습니다.',
    checkApproved: '검사에서 표시된 칸이 있었고, 데이터 관리자가 검토해 승인했습니다.', params: '입력값', csv: 'CSV 내려받기',
    truncated: (shown: number, total: number) => `결과 ${total.toLocaleString('ko-KR')}행 중 ${shown.toLocaleString('ko-KR')}행만 공개했습니다.`,
    rows: (n: number) => `${n.toLocaleString('ko-KR')}행`, figure: (n: number) => `그림 ${n}`,
    feedback: '의견 보내기', feedbackIntro: '이 이야기에 대한 생각을 남겨 주세요. 계정은 필요 없습니다. 운영진이 확인한 뒤에 이 쪽에 보입니다.',
    name: '이름 (선택)', body: '의견', send: '보내기', honeypot: '이 칸은 비워 두세요', sent: '고맙습니다. 의견을 받았습니다. 확인한 뒤에 보입니다.',
    comments: '시민 의견', noComments: '아직 공개된 의견이 없습니다.', reply: '답변', anonymous: '익명',
    index: '이야기', search: '찾기', searchLabel: '낱말', problem: '문제', district: '자치구', all: '전체', noStories: '조건에 맞는 이야기가 없습니다.',
    feed: 'Atom 피드', sources: '자료 출처', figures: (n: number) => `그림·표 ${n}개`,
    notFound: '이야기를 찾을 수 없습니다.', gone: '이 이야기는 공개가 취소되었습니다.', home: '이야기 목록으로',
    tooMany: (min: number) => `의견을 너무 자주 보냈습니다. ${min}분 뒤에 다시 보내 주세요.`, badFeedback: '의견을 적어 주세요 (2,000자까지).', back: '이야기로 돌아가기',
  },
  en: {
    site: 'Madang stories', skip: 'Skip to content', switchTo: '한국어', switchLang: 'ko' as PageLang,
    version: (n: number) => `Version ${n}`, published: 'Published', olderVersion: (n: number) => `This is an older version. See the latest, version ${n}.`,
    dataTable: 'Show as a table', howMade: 'How was this made?', sql: 'Query (SQL)', extract: 'Data (extract)', policy: 'Privacy policy version',
    noPolicy: 'open public data (no personal data)', checks: 'Checks before publishing', checkPass: 'Passed the minimum count, dominance, p-ratio and zero checks.',
    checkApproved: 'Some cells were flagged by the checks; a data steward reviewed and approved them.', params: 'Inputs', csv: 'Download CSV',
    truncated: (shown: number, total: number) => `Only ${shown.toLocaleString('en')} of ${total.toLocaleString('en')} rows are published.`,
    rows: (n: number) => `${n.toLocaleString('en')} rows`, figure: (n: number) => `Figure ${n}`,
    feedback: 'Send feedback', feedbackIntro: 'Tell us what you think of this story. No account needed. It appears here after a member has read it.',
    name: 'Name (optional)', body: 'Your feedback', send: 'Send', honeypot: 'Leave this field empty', sent: 'Thank you, we received your feedback. It will appear once reviewed.',
    comments: 'Citizen feedback', noComments: 'No feedback has been published yet.', reply: 'Reply', anonymous: 'Anonymous',
    index: 'Stories', search: 'Search', searchLabel: 'Words', problem: 'Problem', district: 'District', all: 'All', noStories: 'No stories match.',
    feed: 'Atom feed', sources: 'Data sources', figures: (n: number) => `${n} figures and tables`,
    notFound: 'Story not found.', gone: 'This story has been unpublished.', home: 'All stories',
    tooMany: (min: number) => `You sent feedback too often. Please try again in ${min} minutes.`, badFeedback: 'Please write your feedback (up to 2,000 characters).', back: 'Back to the story',
  },
} as const;

export function parseLang(value: unknown): PageLang {
  return value === 'en' ? 'en' : 'ko';
}
