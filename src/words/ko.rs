//! Korean words for every finding code and typed value. Flags, names and values stay in
//! backticks as they are; particles are written in both forms (`이(가)`) where the word
//! before them is a value.

use super::Words;
use crate::lab::{FileType, Select};
use crate::verdict::{Code, OtherContainer, StateSeen};

pub(super) struct Ko;

impl Words for Ko {
    fn template(&self, code: Code) -> &'static str {
        use Code::*;
        match code {
            NoContainerMatches => "{sel} 에 맞는 컨테이너가 없습니다.",
            NoContainerWith => "{sel} 인 컨테이너 없음",
            NoContainerWithBecause => "{sel} 인 컨테이너 없음 ({why})",
            ImageNotOnEngine => {
                "이미지 `{image}` 이(가) 이 도커 엔진에 없음 (`docklings images` 로 내려받기)"
            }
            NoSuchNetwork => "네트워크 `{network}` 이(가) 없음",
            FoundOthers => "있는 컨테이너: {others}",
            NoContainersAtAll => "컨테이너가 하나도 없음",
            NamedState => "`{name}` ({state})",
            Named => "`{name}`",
            LogsGone => {
                "`{name}` ({time} 에 실행되어 종료 코드 0 으로 끝났고, 출력은 컨테이너와 함께 삭제됨)"
            }
            ContainerStale => {
                "`{name}` 은(는) 이 실습을 시작하기 전인 {time} 에 실행됨 — 지금 다시 실행하세요"
            }
            RanAndGone => "`{name}`: {time} 에 종료 코드 {code} 로 끝난 뒤 삭제됨",
            ContainerOk => "컨테이너가 기대한 대로입니다.",
            ContainerNotAsAsked => "컨테이너는 있지만 이 단계가 요구하는 모습이 아닙니다.",
            ContainerNotEnough => "이 단계가 요구하는 컨테이너 수가 부족합니다.",
            ContainerFound | ContainerFoundHosts => "찾은 컨테이너: {list}",
            NamedWithHostname => "`{name} (호스트명 {hostname})`",
            OnlySome => "필요한 {need}개 중 {count}개뿐: {list}",
            OnlySomeDistinct => {
                "필요한 {need}개 중 {count}개뿐 (호스트명이 서로 다른 것만 셈): {list}"
            }
            ContainerDiffers => "`{name}`: {problems}",
            IsNotState => "{want} 상태가 아님: {now}",
            ExitCodeDiffers => "종료 코드 {code} (기대: {want})",
            NotExited => "아직 종료되지 않음 (지금 {now})",
            NoTty => "터미널(-t)이 연결되어 있지 않음 (`-t`/`--tty` 를 붙여 실행하세요)",
            HasTty => "터미널(`-t`)이 연결되어 있음",
            NoStdin => "표준 입력(-i)이 열려 있지 않음 (`-i`/`--interactive` 를 붙여 실행하세요)",
            HasStdin => "표준 입력(`-i`)이 열려 있음",
            NotDetached => {
                "백그라운드(-d)가 아니라 포그라운드로 실행됨 (`-d`/`--detach` 를 붙이세요)"
            }
            IsDetached => "백그라운드(`-d`)로 실행됨",
            NoAutoRemove => "`--rm` 없이 실행됨",
            HasAutoRemove => "`--rm` 을 붙여 실행됨",
            PortElsewhere => "{port}/{proto} 를 호스트 포트 {host} 이(가) 아닌 {bound} 에 공개함",
            PortElsewhereRandom => {
                "{port}/{proto} 를 호스트 포트 {host} 이(가) 아닌 {bound} 에 공개함 \
                 (`-P` 는 호스트 포트를 임의로 고릅니다. `-p 호스트포트:컨테이너포트` 를 쓰세요)"
            }
            PortOtherTarget => {
                "호스트 포트 {host} 을(를) {port}/{proto} 가 아닌 컨테이너 포트 {target} 에 공개함"
            }
            PortMissing => "{port}/{proto} 를 호스트 포트 {host} 에 공개하지 않음 ({ports})",
            PortNotBound => {
                "{port}/{proto} 를 호스트 포트 {host} 에 공개하도록 실행했지만 \
                 {now} 상태라 연결된 포트가 없음"
            }
            NotOnNetwork => "`{network}` 이(가) 아닌 {on} 네트워크에 연결됨",
            OnNoNetwork => "어느 네트워크에도 연결되어 있지 않음 (`{network}` 에 연결해야 함)",
            NoEnv => "환경 변수 `{entry}` 이(가) 없음",
            ExpectContainer => "{sel} 인 컨테이너",
            ExpectContainers => "{sel} 인 컨테이너 {n}개",
            ExpectState => "{state}",
            ExpectExit => "종료 코드 {code}",
            ExpectInteractive => "표준 입력과 터미널을 연결한 대화형 (-it)",
            ExpectTtyOn => "터미널(-t) 연결",
            ExpectTtyOff => "터미널(-t) 없음",
            ExpectStdinOn => "표준 입력(-i) 열림",
            ExpectStdinOff => "표준 입력(-i) 닫힘",
            ExpectDetached => "백그라운드(-d)",
            ExpectAttached => "포그라운드(-d 없이)",
            ExpectPublished => "호스트 포트 {host} 에 {port} 공개",
            ExpectOnNetwork => "네트워크 `{network}` 에 연결",
            ExpectAutoRemove => "--rm",
            ExpectEnv => "환경 변수 `{entry}`",
            ExpectDistinctHostnames => "호스트명이 서로 다름",
            AbsentOk => "해당 컨테이너가 남아 있지 않습니다.",
            AbsentStill => "삭제되어야 할 컨테이너가 아직 남아 있습니다.",
            AbsentStillList => "아직 남아 있음: {names}",
            ExpectRemoved => "직접 삭제함",
            AbsentRemoved => "`{name}` 을(를) {time} 에 삭제함",
            AbsentNotRemoved => "남은 컨테이너는 없지만, 인정되는 삭제 기록이 아직 없습니다.",
            AbsentRemovalOf => "`{name}` 삭제",
            AbsentNoRemoval => "실습을 시작한 뒤로 {sel} 인 컨테이너를 삭제한 기록 없음",
            ImageExists => "이미지 `{name}` 있음",
            ImageOk => "이미지가 있습니다.",
            ImageIs => "`{name}` 이미지 ID {id}",
            ImageMissingSummary => "`{name}` 이미지가 없습니다.",
            ImageMissing => "이미지 `{name}` 없음",
            ImageAbsent => "이미지 `{name}` 없음(삭제됨)",
            ImageGone => "이미지가 삭제되었습니다.",
            ImageStillThere => "`{name}` 이미지가 아직 있습니다({id}).",
            ExpectNetwork => "네트워크 `{name}`",
            ExpectDriver => "드라이버 {driver}",
            ExpectUserDefined => "사용자 정의 네트워크",
            ExpectMinMembers => "컨테이너 {n}개 이상 연결",
            NetworkMissingSummary => "`{name}` 네트워크가 없습니다.",
            NetworkMissing => "네트워크 `{name}` 없음; 사용자 정의 네트워크: {custom}",
            NetworkDriverIs => "드라이버가 {want} 이(가) 아니라 {driver}",
            NetworkIsBuiltin => "사용자 정의 네트워크가 아니라 도커 엔진의 기본 네트워크임",
            NetworkIsUserDefined => "사용자 정의 네트워크임",
            NetworkMembers => "연결된 컨테이너 {count}개 ({members})",
            ExpectSubnet => "서브넷 {subnet}",
            ExpectGateway => "게이트웨이 {gateway}",
            ExpectMembers => "{names} 연결됨",
            ExpectNotMembers => "{names} 연결되지 않음",
            ExpectNoNetwork => "네트워크 `{name}` 없음",
            NetworkSubnetIs => "서브넷이 {want} 이(가) 아니라 {subnets}",
            NetworkGatewayIs => "게이트웨이가 {want} 이(가) 아니라 {gateways}",
            NetworkLacks => "{names} 연결되지 않음 (연결된 컨테이너: {members})",
            NetworkHas => "{names} 아직 연결됨",
            NetworkStillThere => "`{name}` 네트워크가 아직 있습니다.",
            NetworkGone => "네트워크가 삭제되었습니다.",
            NetworkOk => "네트워크가 기대한 대로입니다.",
            NetworkIs => "`{name}` ({driver}, 연결된 컨테이너 {members})",
            NetworkNotAsAsked => "네트워크가 이 단계가 요구하는 모습이 아닙니다.",
            ExpectMount => "{destination} 에 마운트",
            ExpectMountSource => "원본 `{source}`",
            ExpectMountType => "종류 {type}",
            ExpectReadOnly => "읽기 전용",
            ExpectWritable => "쓰기 가능",
            MountOk => "마운트가 기대한 대로입니다.",
            MountNotAsAsked => "마운트가 이 단계가 요구하는 모습이 아닙니다.",
            MountFound => "`{name}`: {mount}",
            MountMissing => "{destination} 에 마운트된 것이 없음 (마운트: {mounts})",
            MountWrongType => "{destination} 은(는) {want} 이(가) 아닌 {type} 마운트임",
            MountWrongSource => "{destination} 의 원본이 `{want}` 이(가) 아니라 `{source}`",
            MountReadOnly => "{destination} 이(가) 읽기 전용으로 마운트됨",
            MountWritable => "{destination} 이(가) 쓰기 가능으로 마운트됨 (`:ro` 를 붙이세요)",
            MountsAre => "{type} `{source}` → {destination}",
            NoMounts => "없음",
            ExpectRequest => "{sel} 인 컨테이너의 로그에 여러분의 요청이 기록됨",
            ExpectRequestPath => "경로가 {path} 로 시작",
            ExpectRequestStatus => "응답 코드 {status}",
            RequestOk => "서버가 여러분의 요청을 기록했습니다.",
            RequestNone => "아직 여러분의 요청이 서버에 닿지 않았습니다.",
            RequestSeen => {
                "`{name}` 이(가) {time} 에 {client} 의 {method} {target} 요청에 {status} 으로 응답함"
            }
            RequestOnlyOthers => "`{name}` 의 로그에 인정되는 요청이 없음; 마지막 요청: {last}",
            RequestOnlyProbes => {
                "`{name}` 의 로그에는 docklings 자신의 확인 요청({count}개)만 있고 여러분의 요청은 없음"
            }
            RequestAct => "{client} 에서 보낸 {method} {target} 요청",
            RequestNoneLogged => "`{name}` 의 로그에 실습을 시작한 뒤로 요청이 없음",
            ExpectGet => "GET {url} → {status}",
            ExpectBodyMatches => "본문이 `{pattern}` 와(과) 일치",
            ExpectBodyEqualsLab => "본문이 실습의 `{name}` 과(와) 같음",
            ExpectBodyEqualsFile => "본문이 응답하는 컨테이너의 {path} 와(과) 같음",
            HttpNoAnswer => "{url} 에서 응답이 없습니다.",
            HttpStatus => "상태 코드 {status}",
            HttpBodyMismatch => "본문이 `{pattern}` 와(과) 일치하지 않음 (본문 앞부분: {start})",
            HttpBodyDiffersLab => "본문이 실습의 `{name}` 과(와) 다름 ({diff})",
            HttpNoServer => "{url} 에 응답하는, {sel} 인 실행 중 컨테이너 없음",
            HttpNoFileIn => "`{name}` 에 {path} 없음",
            HttpBodyDiffersFile => "본문이 `{name}` 의 {path} 와(과) 다름 ({diff})",
            ExpectBodyEqualsHostFile => "본문이 {path} 에 연결된 호스트 파일과 같음",
            HttpBodyDiffersHostFile => "본문이 호스트의 {host} 와(과) 다름 ({diff})",
            ExpectNoUnused => "{what} 없음",
            UnusedStoppedContainers => "정지된 컨테이너",
            UnusedNetworks => "쓰이지 않는 네트워크",
            UnusedDanglingImages => "태그 없는(dangling) 이미지",
            UnusedVolumes => "쓰이지 않는 볼륨",
            UnusedUnknown => "엔진에서 쓰이지 않는 자원 목록을 읽지 못했습니다.",
            UnusedLeft => "{what} {count}개 남음: {names}",
            UnusedNone => "쓰이지 않고 남은 것이 없습니다.",
            UnusedRemain => "prune 으로 지워질 쓰이지 않는 자원이 남아 있습니다.",
            ExpectHostFile => "{path} 에 (바인드 마운트로) 연결된 호스트 파일",
            ExpectHostFileModified => "앞 단계 이후 호스트에서 수정됨",
            HostFileNotFound => "{path} 에 연결된 호스트 파일을 찾을 수 없습니다.",
            HostFileNoMount => "`{name}` 의 {path} 에는 마운트가 없음",
            HostFileNotBind => {
                "`{name}` 의 {destination} 에 있는 것은 호스트 폴더(바인드 마운트)가 아니라 {type} 마운트 `{source}` 임"
            }
            HostFileUnreadable => "이 컴퓨터에서 {host} 을(를) 읽을 수 없음",
            HostFileAt => "{host}, 수정 시각 {time}",
            HostFileOk => "호스트 파일이 있습니다.",
            HostFileEdited => "호스트 파일이 수정되었습니다.",
            HostFileNotEdited => "앞 단계 이후 {host} 이(가) 수정되지 않았습니다.",
            HttpAnswers => "{url} 이(가) {status} 으로 응답합니다.",
            HttpGot => "상태 코드 {status}, {bytes}바이트",
            HttpUnexpected => "{url} 의 응답이 기대와 다릅니다.",
            PortHeldBy => "{port}번 포트를 쓰는 컨테이너: {holders}",
            PortFree => "{port}번 포트를 공개한 컨테이너 없음",
            HttpNotUrl => "`{url}` 은(는) http:// URL 이 아닙니다",
            HttpNotLoopback => "`{host}` 은(는) 루프백 주소가 아닙니다",
            HttpRefused => "{addr} 연결이 거부됨: 그 포트에서 기다리는 프로그램이 없음",
            HttpConnect => "{addr} 연결 실패: {detail}",
            HttpIo => "주고받는 중에 실패함: {detail}",
            HttpClosed => "응답 없이 연결이 닫힘",
            HttpNotHttp => "응답이 HTTP 가 아님: `{line}`",
            HttpTimeout => "{secs}초 안에 응답 없음",
            DiffLine => "{line}번째 줄: 기대 `{want}`, 실제 `{got}`",
            DiffLines => "줄 수: 기대 {want}줄, 실제 {got}줄",
            ExpectFileExists => "{path} 있음",
            ExpectFileAbsent => "{path} 없음",
            ExpectFileKind => "{kind}임",
            ExpectFileEqualsLab => "실습의 `{name}` 과(와) 같음",
            ExpectFileContains => "`{pattern}` 포함",
            FileMissing => "{path} 없음",
            FilePresent => "{path} 있음",
            FileKindIs => "{kind}임",
            FileDiffersLab => "내용이 실습의 `{name}` 과(와) 다름 ({diff})",
            FileLacks => "`{pattern}` 이(가) 들어 있지 않음",
            FileOk => "`{name}` 의 {path} 이(가) 기대한 대로입니다.",
            FileAt => "`{name}`: {path}",
            FileNotAsExpected => "{path} 이(가) 기대와 다릅니다.",
            FileProblems => "`{name}`: {problems}",
            ExpectLogs => "{sel} 인 컨테이너의 출력에 {shows} 이(가) 보임",
            ExpectLogsMany => {
                "컨테이너 {need}개 이상: {sel} 인 컨테이너의 출력에 {shows} 이(가) 보임"
            }
            LogsOk => "출력에 기대한 내용이 있습니다.",
            LogsFoundIn => "출력에서 확인한 컨테이너: {list}",
            LogsNotYet => "출력에 기대한 내용이 아직 없습니다.",
            LogsOnlySome => "필요한 {need}개 중 {count}개뿐: {list}",
            LogsMissingIn => "`{name}` 의 출력에 {missing} 없음 (출력 끝부분: {tail})",
            ExpectExec => "`{command}` 의 종료 코드 {code}",
            ExpectExecPrints => "`{command}` 의 종료 코드 {code}, 출력에 {shows} 포함",
            ExecExit => "종료 코드 {code}",
            ExecExitUnknown => "종료 코드 알 수 없음",
            ExecLacks => "출력에 `{pattern}` 없음",
            ExecOk => "명령이 기대한 대로 응답합니다.",
            ExecExited => "`{name}`: 종료 코드 {code}",
            ExecNotAsExpected => "명령의 응답이 기대와 다릅니다.",
            ExecProblems => "`{name}`: {problems} (출력: {output})",
            ExpectReachTo => "{sel} 인 실행 중 컨테이너가 이름으로 `{to}` 에 닿음",
            ExpectReachToOver => {
                "{sel} 인 실행 중 컨테이너가 `{network}` 네트워크를 통해 이름으로 `{to}` 에 닿음"
            }
            ExpectReachAny => "{sel} 인 실행 중 컨테이너가 이름으로 다른 컨테이너에 닿음",
            ExpectReachAnyOver => {
                "{sel} 인 실행 중 컨테이너가 `{network}` 네트워크를 통해 이름으로 \
                 다른 컨테이너에 닿음"
            }
            ReachOnDefaults => {
                "`{name}` 은(는) {networks} 네트워크에 연결됨 (기본 bridge 네트워크에서는 \
                 이름으로 찾을 수 없으니 사용자 정의 네트워크를 쓰세요)"
            }
            ReachOnNoNetwork => {
                "`{name}` 은(는) 어느 네트워크에도 연결되어 있지 않음 (기본 bridge \
                 네트워크에서는 이름으로 찾을 수 없으니 사용자 정의 네트워크를 쓰세요)"
            }
            ReachNoPeer => {
                "`{name}` 은(는) {networks} 네트워크에 연결됨, 그곳에 이름이 `{to}` 인 \
                 실행 중 컨테이너 없음"
            }
            ReachNoPeerAny => {
                "`{name}` 은(는) {networks} 네트워크에 연결됨, 그곳에 실행 중인 다른 컨테이너 없음"
            }
            ReachPingOk => "`{target}` 에 ping 응답 있음",
            ReachPingFailed => "`{target}` 에 ping 실패",
            ReachUnresolved => "`{target}` 이름을 찾을 수 없음",
            ReachResolves => "`{target}` 이름을 찾음",
            ReachRaw => "{text}",
            ReachProbeFrom => "`{from}` 에서 확인: {said}",
            ReachCannot => "`{from}` 에서 `{to}` 에 닿지 못함: {said}",
            ReachByEngineState => "도커 엔진의 네트워크 상태로 확인",
            ReachOk => "`{from}` 에서 이름으로 `{to}` 에 닿습니다.",
            ReachShare => "`{a}` 와(과) `{b}` 이(가) `{network}` 네트워크를 함께 씀; {how}",
            ReachNotYetTo => "아직 이름으로 `{to}` 에 닿는 컨테이너가 없습니다.",
            ReachNotYetAny => "아직 이름으로 다른 컨테이너에 닿는 컨테이너가 없습니다.",
            ExpectEvent => "`{action}` 이벤트가 기록됨",
            ExpectEventFor => "{sel} 인 컨테이너에서 `{action}` 이벤트가 기록됨",
            ExpectEventRunning => "{commands} 을(를) 실행한 `{action}` 이벤트가 기록됨",
            ExpectEventForRunning => {
                "{sel} 인 컨테이너에서 {commands} 을(를) 실행한 `{action}` 이벤트가 기록됨"
            }
            ActBeforePart => {
                "{act}: {time} 의 일로, 이 단계의 앞 확인이 {after} 에 통과하기 전임 — 지금 다시 하세요"
            }
            SequenceEarly => "앞의 확인을 통과한 뒤에야 인정됨",
            EventOk => "도커 엔진이 그 작업을 기록했습니다.",
            ExpectNetworkEvent => "네트워크 `{network}` 의 `{action}` 이벤트가 기록됨",
            ExpectTypedEvent => "{type} `{action}` 이벤트가 기록됨",
            ExpectEventAbout => "{event}, {sel} 인 컨테이너에 대해",
            EventOn => "`{name}` 의 `{action}` 이벤트",
            EventNotYet => "도커 엔진에 아직 그 작업의 기록이 없습니다.",
            EventNoneSince => "실습을 시작한 뒤로 `{action}` 이벤트 없음",
            EventSeenOnly => "기록된 것은 {seen} 뿐임",
            EventUnrecorded => {
                "{engine} 는 `{action}` 을 기록하지 않습니다. 이 단계는 다른 검사로 판단합니다."
            }
            StopByItsEnd => {
                "{engine} 는 `stop` 을 늘 기록하지는 않음: 시작한 뒤 `kill` 없이 끝난 컨테이너를 정지한 것으로 봄"
            }
            CopyUndated => {
                "언제 복사했는지는 알 수 없음({engine} 는 `docker cp` 를 기록하지 않음): 다음 단계는 이 단계가 시작된 때부터 셈"
            }
            DetachedUnknown => {
                "백그라운드(-d)로 실행했는지는 알 수 없음: {engine} 에 그 이벤트가 더는 남아 있지 않아 판단하지 않음"
            }
            EventUnwitnessed => {
                "docklings는 {engine} 에서 이 단계를 확인할 수 없습니다. {engine} 는 `{action}` 을 기록하지 않고, 이 단계의 다른 검사에도 여러분이 그것을 했다는 것이 드러나지 않습니다(Docker 는 이를 기록합니다)."
            }
            EventCommandUnseen => {
                "{engine} 는 명령이 실행된 것만 기록하고 어떤 명령인지는 기록하지 않음"
            }
            OrderBlocked => "`{step}` 단계를 먼저 하세요. 이 단계는 그 다음부터 인정됩니다.",
            ExpectAfter => "`{step}` 단계를 마친 뒤에 함",
            OrderWaiting => "`{step}` ({title}) 단계를 아직 마치지 않음",
            OrderKept => "{time} 에 마쳤습니다. 완료 상태가 유지됩니다.",
            ExpectKept => "한 번 마침",
            OrderKeptAt => "{time} 에 마침; 그 뒤의 변화로 취소되지 않음",
            ActBefore => {
                "{act}: {time} 의 일로, `{step}` 단계를 마친 {after} 보다 앞섬 — 지금 다시 하세요"
            }
            ActBeforeStart => "{act}: {time} 의 일로, 이 실습을 시작하기 전임 — 지금 다시 하세요",
            ExpectAnswer => "질문에 대한 답: {question}",
            AnswerMissing => "아직 답하지 않았습니다: {question}",
            AnswerNone => {
                "답 없음 (`docklings start` 에서 `a` 를 누르거나 `--answer STEP=VALUE` 를 쓰세요)"
            }
            AnswerRight => "정답입니다.",
            AnswerMatches => "`{given}`: 도커 엔진의 값과 같음",
            AnswerWrong => "`{given}` 은(는) 도커 엔진이 알려 주는 값과 다릅니다.",
            AnswerNoSource => "`{given}`; 값을 확인할 {sel} 인 컨테이너도 없음",
            AnswerDiffers => "`{given}`: 도커 엔진의 값과 다름",
        }
    }

    fn nothing(&self) -> &'static str {
        "없음"
    }
    fn or(&self) -> &'static str {
        "또는"
    }
    fn empty_text(&self) -> &'static str {
        "(비어 있음)"
    }
    fn no_output(&self) -> &'static str {
        "(출력 없음)"
    }
    fn state_word(&self, state: &str) -> String {
        match state {
            "created" => "생성됨".into(),
            "running" => "실행 중".into(),
            "paused" => "일시 정지됨".into(),
            "restarting" => "재시작 중".into(),
            "removing" => "삭제 중".into(),
            "exited" => "종료됨".into(),
            "dead" => "dead 상태".into(),
            other => other.to_owned(),
        }
    }
    fn state_seen(&self, s: &StateSeen) -> String {
        match s.state.as_str() {
            "exited" => {
                let code = s.exit_code.unwrap_or(0);
                match s.stopped_secs_ago {
                    Some(secs) => format!("종료됨 (종료 코드 {code}, {})", ago(secs)),
                    None => format!("종료됨 (종료 코드 {code})"),
                }
            }
            other => self.state_word(other),
        }
    }
    /// `docker ps -a`'s status in Korean: the state, and the exit code of an exited
    /// container (the engine writes it as `Exited (0) 2 minutes ago`).
    fn other(&self, o: &OtherContainer) -> String {
        let code = o
            .status
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .and_then(|(code, _)| code.trim().parse::<i64>().ok());
        let state = match (o.state.as_str(), code) {
            ("exited", Some(code)) => format!("종료됨, 종료 코드 {code}"),
            (state, _) => self.state_word(state),
        };
        format!("`{}` ({}, {state})", o.name, o.image)
    }
    fn more(&self, n: usize) -> String {
        format!("그 밖에 {n}개")
    }
    fn file_kind(&self, k: FileType) -> &'static str {
        match k {
            FileType::File => "일반 파일",
            FileType::Dir => "디렉터리",
            FileType::Symlink => "심볼릭 링크",
        }
    }
    fn select(&self, s: &Select) -> String {
        let mut parts = Vec::new();
        if let Some(i) = &s.image {
            parts.push(format!("이미지 `{i}`"));
        }
        if let Some(n) = &s.name {
            parts.push(format!("이름 `{n}`"));
        }
        if let Some(n) = &s.network {
            parts.push(format!("네트워크 `{n}`"));
        }
        if let Some(l) = &s.label {
            parts.push(format!("레이블 `{l}`"));
        }
        parts.join(", ")
    }
    fn port(&self, port: u16, proto: &str, host: u16) -> String {
        format!("{port}/{proto} → 호스트 포트 {host}")
    }
    fn no_ports(&self) -> &'static str {
        "공개된 포트 없음"
    }
    fn placeholder(&self, var: &str) -> Option<&'static str> {
        match var {
            "container.hostname" => Some("<자신의 호스트명>"),
            "container.name" => Some("<자신의 이름>"),
            "container.id" | "container.short_id" => Some("<자신의 ID>"),
            _ => None,
        }
    }
}

fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => format!("{s}초 전"),
        s if s < 3600 => format!("{}분 전", s / 60),
        s if s < 86_400 => format!("{}시간 전", s / 3600),
        s => format!("{}일 전", s / 86_400),
    }
}
